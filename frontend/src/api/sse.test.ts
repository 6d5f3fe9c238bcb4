import { describe, expect, it } from 'vitest';
import { readSseEvents } from './sse.ts';

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? encoder.encode(c) : c);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>) {
  const out = [];
  for await (const e of readSseEvents(stream)) out.push(e);
  return out;
}

describe('reading server-sent events', () => {
  it('yields events split across chunks at any point', async () => {
    const events = await collect(streamOf(['event: tok', 'en\ndata: {"te', 'xt":"Hel"}\n', '\nevent: token\ndata: {"text":"lo"}\n\n']));
    expect(events).toEqual([
      { event: 'token', data: { text: 'Hel' } },
      { event: 'token', data: { text: 'lo' } },
    ]);
  });

  it('keeps a multi-byte character split between chunks whole', async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"café"}\n\n');
    const cut = bytes.length - 5; // inside the two bytes of "é"
    const events = await collect(streamOf([bytes.slice(0, cut), bytes.slice(cut)]));
    expect(events).toEqual([{ event: 'token', data: { text: 'café' } }]);
  });

  it('accepts CRLF line ends and ignores comments', async () => {
    const events = await collect(streamOf([': keep-alive\r\n\r\nevent: done\r', '\ndata: {"ok":true}\r\n\r\n']));
    expect(events).toEqual([{ event: 'done', data: { ok: true } }]);
  });
});
