import type { ChatDoneDto, ChatRequest, SourceDto } from '@contracts/chat.ts';
import { apiFetch } from '../../api/client.ts';
import { readSseEvents } from '../../api/sse.ts';

export interface ChatStreamHandlers {
  onSources: (data: { conversationId: string; sources: SourceDto[] }) => void;
  onToken: (text: string) => void;
  onDone: (data: ChatDoneDto) => void;
  /** An `error` event: the server failed after the answer had started (e.g. Ollama went away). */
  onError: (error: { code: string; message: string }) => void;
}

export type ChatQuestion = Omit<ChatRequest, 'stream'>;

/**
 * Asks over POST /api/v1/chat and reads the server-sent events as they come (fetch and a stream
 * reader: EventSource cannot POST). Failures before the stream starts are thrown as typed API
 * errors; a stream that ends without `done` or `error` is reported as cut off.
 */
export async function streamChat(question: ChatQuestion, handlers: ChatStreamHandlers, signal: AbortSignal): Promise<void> {
  const res = await apiFetch('/chat', {
    method: 'POST',
    body: { ...question, stream: true },
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!res.body) throw new Error('the answer stream is empty');
  for await (const { event, data } of readSseEvents(res.body, signal)) {
    switch (event) {
      case 'sources':
        handlers.onSources(data as { conversationId: string; sources: SourceDto[] });
        break;
      case 'token':
        handlers.onToken((data as { text: string }).text);
        break;
      case 'done':
        handlers.onDone(data as ChatDoneDto);
        return;
      case 'error':
        handlers.onError(data as { code: string; message: string });
        return;
      default:
        break;
    }
  }
  signal.throwIfAborted();
  handlers.onError({ code: 'stream_ended', message: 'the answer was cut off before it finished' });
}
