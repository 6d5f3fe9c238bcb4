interface ModelSelectProps {
  value: string;
  /** The models that can do this job. */
  options: string[];
  /** Every model Ollama has, to tell "not installed" from "installed, but cannot do this job". */
  installed?: string[];
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

/**
 * A model from Ollama's list of those that can do the job; a saved model that Ollama no longer has,
 * or that cannot do it, stays visible, marked so. Without a list, a text box.
 */
export function ModelSelect({ value, options, installed = options, onChange, ...rest }: ModelSelectProps) {
  if (installed.length === 0) return <input value={value} onChange={onChange} autoComplete="off" {...rest} />;
  const offered = options.some((name) => sameModel(name, value));
  const present = installed.some((name) => sameModel(name, value));
  return (
    <select value={value} onChange={onChange} {...rest}>
      {!offered && (
        <option value={value}>
          {value} ({present ? 'cannot do this' : 'not installed'})
        </option>
      )}
      {options.map((name) => (
        <option key={name} value={sameModel(name, value) ? value : name}>
          {name}
        </option>
      ))}
    </select>
  );
}
