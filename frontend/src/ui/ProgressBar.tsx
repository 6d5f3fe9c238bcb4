interface ProgressBarProps {
  /** 0 to 100; null for "working, amount unknown". */
  value: number | null;
  label: string;
  /** Text shown and read with the value, e.g. "Embedding · 40%". */
  valueText?: string;
  tone?: 'upload' | 'process' | 'done' | 'failed';
}

/** An accessible progress bar (role=progressbar with value and text). */
export function ProgressBar({ value, label, valueText, tone = 'process' }: ProgressBarProps) {
  const clamped = value === null ? null : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className={`progress progress-${tone}${clamped === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped ?? undefined}
      aria-valuetext={valueText}
    >
      <div className="progress-fill" style={clamped === null ? undefined : { width: `${clamped}%` }} />
    </div>
  );
}
