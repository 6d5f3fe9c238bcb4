interface ModelSelectProps {
  value: string;
  options: string[];
  onChange: (e: { target: { value: string } }) => void;
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** Ollama names without a tag mean `:latest`, so `nomic-embed-text` and `nomic-embed-text:latest` are one model. */
export function sameModel(a: string, b: string): boolean {
  const full = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return full(a) === full(b);
}

/** A model from Ollama's list; a saved model that Ollama no longer has stays visible, marked so. Without a list, a text box. */
export function ModelSelect({ value, options, onChange, ...rest }: ModelSelectProps) {
  if (options.length === 0) return <input value={value} onChange={onChange} autoComplete="off" {...rest} />;
  const installed = options.some((name) => sameModel(name, value));
  return (
    <select value={value} onChange={onChange} {...rest}>
      {!installed && <option value={value}>{value} (not installed)</option>}
      {options.map((name) => (
        <option key={name} value={sameModel(name, value) ? value : name}>
          {name}
        </option>
      ))}
    </select>
  );
}
