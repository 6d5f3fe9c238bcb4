import { chatStreamEventSchema, type ChatDoneDto, type ChatRequest, type ChatStreamEvent } from '@contracts/chat.ts';
import { apiFetch } from '../../api/client.ts';
import { BrokenResponseError, toStreamError, type ApiError } from '../../api/errors.ts';
import { readSseEvents } from '../../api/sse.ts';

type EventData<E extends ChatStreamEvent['event']> = Extract<ChatStreamEvent, { event: E }>['data'];

export interface ChatStreamHandlers {
  onSources: (data: EventData<'sources'>) => void;
  onToken: (text: string) => void;
  onDone: (data: ChatDoneDto) => void;
  /**
   * The stream failed after the answer had started: an `error` event (e.g. Ollama went away), an
   * event that breaks the contract, or a stream cut off before its end.
   */
  onError: (error: ApiError) => void;
}

export type ChatQuestion = Omit<ChatRequest, 'stream'>;

// Events of other names are skipped, so the server may add some without breaking the dashboard.
const KNOWN_EVENTS = new Set<string>(chatStreamEventSchema.options.map((option) => option.shape.event.value));

/** Hands one event to its handler; true when it ends the answer. */
function dispatch(e: ChatStreamEvent, handlers: ChatStreamHandlers): boolean {
  switch (e.event) {
    case 'sources':
      handlers.onSources(e.data);
      return false;
    case 'token':
      handlers.onToken(e.data.text);
      return false;
    case 'done':
      handlers.onDone(e.data);
      return true;
    case 'error':
      handlers.onError(toStreamError(e.data));
      return true;
    default:
      return e satisfies never;
  }
}

/**
 * Asks over POST /api/v1/chat and reads the server-sent events as they come (fetch and a stream
 * reader: EventSource cannot POST), each checked against the contract's schema. Failures before
 * the stream starts are thrown as typed API errors; an event that does not fit the contract, or a
 * stream that ends without `done` or `error`, is reported as a BrokenResponseError.
 */
export async function streamChat(question: ChatQuestion, handlers: ChatStreamHandlers, signal: AbortSignal): Promise<void> {
  const res = await apiFetch('/chat', {
    method: 'POST',
    body: { ...question, stream: true },
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!res.body) throw new Error('the answer stream is empty');
  let malformed: string | null = null;
  for await (const raw of readSseEvents(res.body, signal)) {
    if (!KNOWN_EVENTS.has(raw.event)) continue;
    const parsed = chatStreamEventSchema.safeParse(raw);
    if (!parsed.success) {
      malformed = raw.event;
      break;
    }
    if (dispatch(parsed.data, handlers)) return;
  }
  signal.throwIfAborted();
  if (malformed !== null) {
    // Nothing after a broken event can be trusted: stop the answer rather than read on.
    await res.body.cancel().catch(() => undefined);
    handlers.onError(new BrokenResponseError(res.status, 'malformed_event', `the server sent a "${malformed}" event that cannot be read`));
    return;
  }
  handlers.onError(new BrokenResponseError(res.status, 'stream_ended', 'the answer was cut off before it finished'));
}
