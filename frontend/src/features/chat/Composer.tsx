import { useEffect, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (question: string) => void;
  onStop: () => void;
  busy: boolean;
  /** Seconds until asking is allowed again (rate limit); 0 when it is. */
  waitSeconds: number;
  /** The server's question limit; none until it is known. */
  maxLength: number | undefined;
  /** The collection picker, shown beside the buttons. */
  picker: ReactNode;
  /** The box takes the focus when the page opens and whenever this changes (another conversation). */
  focusKey: string;
}

/** The question box: Enter asks, Shift+Enter starts a new line; Stop while the answer streams. */
export function Composer({ value, onChange, onSubmit, onStop, busy, waitSeconds, maxLength, picker, focusKey }: ComposerProps) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const blocked = waitSeconds > 0;

  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [focusKey]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [value]);

  function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const question = value.trim();
    if (!question || busy || blocked) return;
    onSubmit(question);
  }

  function handleKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) handleSubmit(e);
  }

  return (
    <form className="composer" onSubmit={handleSubmit}>
      <label htmlFor="question" className="visually-hidden">
        Your question
      </label>
      <textarea
        id="question"
        ref={ref}
        rows={1}
        value={value}
        maxLength={maxLength}
        placeholder="Ask a question about your documents…"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={handleKeyDown}
        aria-describedby="composer-hint"
      />
      <div className="composer-bar">
        {picker}
        <span id="composer-hint" className="composer-hint muted">
          {blocked ? `Wait ${waitSeconds} s` : 'Enter to ask · Shift+Enter for a new line'}
        </span>
        {busy ? (
          <button type="button" className="button button-danger" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="button button-primary" disabled={!value.trim() || blocked}>
            Ask
          </button>
        )}
      </div>
    </form>
  );
}
