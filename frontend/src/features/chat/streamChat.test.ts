import { describe, expect, it } from 'vitest';
import { BrokenResponseError, RateLimitedError, ServiceUnavailableError, type ApiError } from '../../api/errors.ts';
import { mockFetch } from '../../test/fetchMock.ts';
import { signInForEachTest } from '../../test/session.ts';
import { streamChat, type ChatStreamHandlers } from './streamChat.ts';

const source = { n: 1, documentId: 'doc-1', filename: 'volcanoes.pdf', page: 2, snippet: 'Krakatoa, 1883.' };

/** Answers POST /chat with these SSE blocks, and records what the handlers were given. */
async function streamOf(blocks: string[]) {
  let cancelled = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const block of blocks) controller.enqueue(encoder.encode(block));
      // Left open: the stream ends only if the reader reaches `done`/`error` or cancels it.
    },
    cancel() {
      cancelled = true;
    },
  });
  mockFetch({ 'POST /api/v1/chat': () => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }) });
  const seen: { sources: unknown[]; tokens: string[]; errors: ApiError[]; done: unknown[] } = { sources: [], tokens: [], errors: [], done: [] };
  const handlers: ChatStreamHandlers = {
    onSources: (data) => seen.sources.push(data),
    onToken: (text) => seen.tokens.push(text),
    onDone: (data) => seen.done.push(data),
    onError: (err) => seen.errors.push(err),
  };
  await streamChat({ question: 'How much energy?' }, handlers, new AbortController().signal);
  return { ...seen, cancelled: () => cancelled };
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

signInForEachTest();

describe('reading a streamed answer', () => {
  it('hands each event, checked against the contract, to its handler and skips events it does not know', async () => {
    const seen = await streamOf([
      event('sources', { conversationId: 'c1', sources: [source] }),
      event('progress', { stage: 'retrieval' }),
      event('token', { text: 'Krakatoa' }),
      event('error', { code: 'ollama_unavailable', message: 'Ollama went away' }),
    ]);
    expect(seen.sources).toEqual([{ conversationId: 'c1', sources: [source] }]);
    expect(seen.tokens).toEqual(['Krakatoa']);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(ServiceUnavailableError);
    expect((seen.errors[0] as ServiceUnavailableError).dependency).toBe('ollama');
  });

  it('stops at an event that breaks the contract and reports it as a BrokenResponseError', async () => {
    const seen = await streamOf([
      event('sources', { conversationId: 'c1', sources: [source] }),
      event('token', { text: 42 }),
      event('token', { text: 'never read' }),
    ]);
    expect(seen.tokens).toEqual([]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(BrokenResponseError);
    expect(seen.errors[0]!.code).toBe('malformed_event');
    expect(seen.cancelled()).toBe(true);
  });

  it('turns a rate_limited error event into RateLimited with the seconds the server gave', async () => {
    const seen = await streamOf([event('error', { code: 'rate_limited', message: 'too many questions', retryAfterSeconds: 12 })]);
    expect(seen.errors[0]).toBeInstanceOf(RateLimitedError);
    expect((seen.errors[0] as RateLimitedError).retryAfterSeconds).toBe(12);
  });
});
