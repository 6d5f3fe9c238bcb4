import { useCallback, useEffect, useRef, useState } from 'react';
import type { CitationDto, SourceDto } from '@contracts/chat.ts';
import { RateLimitedError, ServiceUnavailableError, UnauthorizedError, describeError } from '../../api/errors.ts';
import { streamChat, type ChatQuestion } from './streamChat.ts';

/** Why an answer did not come: each has its own message and way forward. */
export type ChatFailure =
  | { kind: 'ollama'; message: string }
  | { kind: 'rateLimited'; retryAfterSeconds: number; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'signedOut'; message: string }
  | { kind: 'other'; message: string };

/** The answer being asked for, as it streams in. */
export interface PendingAnswer {
  question: string;
  text: string;
  sources: SourceDto[];
  citations: CitationDto[] | null;
  phase: 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed';
  noSources: boolean;
  cached: boolean;
  /** The names of the documents searched, when the question was limited to documents. */
  searched: string[] | null;
  failure: ChatFailure | null;
  conversationId: string | null;
  messageId: string | null;
}

const FLUSH_MS = 40;

/** The one way a failed answer is told: from the typed error, whether it was thrown or ended the stream. */
export function toFailure(err: unknown): ChatFailure {
  if (err instanceof UnauthorizedError) return { kind: 'signedOut', message: err.message };
  if (err instanceof RateLimitedError) return { kind: 'rateLimited', retryAfterSeconds: err.retryAfterSeconds, message: err.message };
  if (err instanceof ServiceUnavailableError) return err.dependency === 'ollama' ? { kind: 'ollama', message: err.message } : { kind: 'unavailable', message: err.message };
  return { kind: 'other', message: describeError(err) };
}

/**
 * Asks a question and follows the streamed answer. Tokens are batched (a repaint every ~40 ms,
 * not one per token); `stop` aborts the request, which also stops the model on the server.
 */
export function useChatStream(onFinished?: (answer: PendingAnswer) => void) {
  const [pending, setPending] = useState<PendingAnswer | null>(null);
  const controller = useRef<AbortController | null>(null);
  const buffered = useRef('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const flush = useCallback(() => {
    timer.current = null;
    const text = buffered.current;
    if (!text) return;
    buffered.current = '';
    setPending((p) => p && { ...p, phase: 'streaming', text: p.text + text });
  }, []);

  useEffect(() => () => controller.current?.abort(), []);

  const ask = useCallback(
    async (question: ChatQuestion) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      buffered.current = '';
      let result: PendingAnswer = {
        question: question.question, text: '', sources: [], citations: null, phase: 'waiting',
        noSources: false, cached: false, searched: null, failure: null, conversationId: question.conversationId ?? null, messageId: null,
      };
      const update = (change: Partial<PendingAnswer>) => {
        result = { ...result, ...change };
        setPending((p) => p && { ...p, ...change });
      };
      setPending(result);
      try {
        await streamChat(
          question,
          {
            onSources: ({ conversationId, sources }) => update({ conversationId, sources }),
            onToken: (text) => {
              result = { ...result, text: result.text + text };
              buffered.current += text;
              timer.current ??= setTimeout(flush, FLUSH_MS);
            },
            onDone: (done) => {
              if (timer.current) clearTimeout(timer.current);
              flush();
              update({
                phase: 'done',
                citations: done.citations,
                noSources: done.noSources,
                cached: done.cached,
                searched: done.searched?.map((d) => d.filename) ?? null,
                conversationId: done.conversationId,
                messageId: done.messageId,
              });
            },
            onError: (err) => {
              flush();
              update({ phase: 'failed', failure: toFailure(err) });
            },
          },
          abort.signal,
        );
      } catch (err) {
        if (timer.current) clearTimeout(timer.current);
        flush();
        if (abort.signal.aborted) update({ phase: 'stopped' });
        else update({ phase: 'failed', failure: toFailure(err) });
      }
      if (controller.current === abort) controller.current = null;
      finished.current?.(result);
    },
    [flush],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const reset = useCallback(() => {
    controller.current?.abort();
    setPending(null);
  }, []);

  return { pending, ask, stop, reset, busy: pending?.phase === 'waiting' || pending?.phase === 'streaming' };
}
