import { useEffect, useState } from 'react';
import { Notice } from '../../ui/Notice.tsx';
import type { ChatFailure } from './useChatStream.ts';

/** Counts down to zero, a second at a time. */
export function useCountdown(seconds: number | null): number {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    if (seconds === null) return;
    setLeft(seconds);
    const started = Date.now();
    const id = setInterval(() => {
      const remaining = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(id);
    }, 1000);
    return () => clearInterval(id);
  }, [seconds]);
  return left;
}

/** What went wrong with an answer, in words that say what to do next. */
export function ChatFailureNotice({ failure }: { failure: ChatFailure }) {
  const left = useCountdown(failure.kind === 'rateLimited' ? failure.retryAfterSeconds : null);
  switch (failure.kind) {
    case 'ollama':
      return (
        <Notice tone="warning" title="Ollama is unreachable">
          The language model service is not answering, so no answer can be written right now. Your question is kept: ask again once an administrator has
          started Ollama.
        </Notice>
      );
    case 'rateLimited':
      return (
        <Notice tone="warning" title="Too many questions in a short time">
          {left > 0 ? `You can ask again in ${left} s.` : 'You can ask again now.'}
        </Notice>
      );
    case 'unavailable':
      return (
        <Notice tone="warning" title="A service is unavailable">
          {failure.message}. Try again shortly.
        </Notice>
      );
    case 'signedOut':
    case 'other':
      return (
        <Notice tone="error" title="The answer could not be completed">
          {failure.message}
        </Notice>
      );
  }
}

/** The answer found nothing to stand on: say so plainly, and what to try. */
export function NoSourcesNotice() {
  return (
    <Notice tone="info" title="No relevant documents">
      Nothing in the chosen collections matches this question. Try other words, choose more collections, or upload the documents that hold the answer.
    </Notice>
  );
}
