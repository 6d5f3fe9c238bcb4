// Plain HTTP plumbing for the Ollama emulator: JSON in and out, Ollama-style errors, NDJSON streams.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PromptMessage } from './ollama-emulator.answers.ts';

/** A request the emulator refuses; answered as `{ error: message }` with `status`, like Ollama. */
export class HttpFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpFailure(400, 'unexpected EOF');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HttpFailure(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpFailure(400, 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function parseMessages(value: unknown): PromptMessage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new HttpFailure(400, 'messages must be an array');
  return value.map((m: unknown) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') throw new HttpFailure(400, 'each message needs a role');
    return { role, content: typeof content === 'string' ? content : '' };
  });
}

/** Nanoseconds since `since`, the unit of Ollama's *_duration fields. */
export function nanos(since: bigint): number {
  return Number(process.hrtime.bigint() - since);
}

export interface StreamFaults {
  tokenDelayMs: number;
  dropStreamAfter: number | null;
  streamBreak: { after: number; with: 'error' | 'garbage' } | null;
}

/**
 * Writes `lines` then `final` as NDJSON. `faults` is read live: a delay between lines, and a cut
 * (socket destroyed, `onDrop` called) after `dropStreamAfter` lines. Rejects if `signal` aborts.
 */
export async function streamNdjson(
  res: ServerResponse,
  signal: AbortSignal,
  lines: object[],
  final: object,
  faults: StreamFaults,
  onDrop: () => void,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  res.flushHeaders();
  for (const [i, line] of lines.entries()) {
    if (faults.dropStreamAfter !== null && i >= faults.dropStreamAfter) {
      onDrop();
      res.destroy();
      return;
    }
    if (faults.streamBreak !== null && i >= faults.streamBreak.after) {
      // How Ollama reports a model that fails mid-answer; or a line no client can parse.
      const bad = faults.streamBreak.with === 'error' ? JSON.stringify({ error: 'model runner has unexpectedly stopped' }) : '{"message": {"role": "assis';
      return void res.end(`${bad}\n`);
    }
    if (i > 0 && faults.tokenDelayMs > 0) await sleep(faults.tokenDelayMs, undefined, { signal });
    if (res.destroyed) return;
    // Wait for each chunk to reach the socket, so a drop right after it still delivers it.
    await new Promise<void>((resolve) => res.write(`${JSON.stringify(line)}\n`, () => resolve()));
  }
  res.end(`${JSON.stringify(final)}\n`);
}

export interface Listener {
  port: number;
  /** Stops listening and destroys open sockets, so clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

/** Serves `handler` on `host:port` (0: a free port) and can stop and restart on that same port. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<Listener> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const start = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await start(port);
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    async down() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      // Let in-process clients see their pooled connections close, so the next request is
      // refused rather than sent down a dead keep-alive socket.
      await sleep(5);
    },
    async up() {
      if (!server.listening) await start(bound);
    },
  };
}
