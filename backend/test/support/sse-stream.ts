/** Server-sent events read as they arrive, so a test can tell a streamed answer from a buffered one. */
export interface TimedSseEvent {
  event: string;
  data: unknown;
  /** Which network read delivered it (0 = the first). */
  read: number;
  /** Milliseconds from the start of the request to its arrival. */
  atMs: number;
}

/** Reads an SSE response chunk by chunk, noting the read and the time each event arrived in. */
export async function readSseTimed(res: Response, startedAt: number): Promise<TimedSseEvent[]> {
  if (!res.body) throw new Error('the response has no body');
  const decoder = new TextDecoder();
  const events: TimedSseEvent[] = [];
  let buffer = '';
  let read = 0;
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.trim() || block.startsWith(':')) continue;
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      events.push({ event, data: JSON.parse(data) as unknown, read, atMs: performance.now() - startedAt });
    }
    read++;
  }
  return events;
}

/** The arrival of the first token and of the end of the stream. */
export function firstTokenAndEnd(events: TimedSseEvent[]): { firstToken: TimedSseEvent; end: TimedSseEvent } {
  const firstToken = events.find((e) => e.event === 'token');
  const end = events.at(-1);
  if (!firstToken || !end) throw new Error(`no token in the stream: ${JSON.stringify(events.map((e) => e.event))}`);
  return { firstToken, end };
}
