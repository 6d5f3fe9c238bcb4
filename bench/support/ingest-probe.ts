import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../backend/src/contracts/events.ts';
import type { DocumentDto, IngestProgress } from '../../backend/src/contracts/documents.ts';
import type { Services } from '../../backend/src/services.ts';

/** Time spent in calls of one kind, summed. */
export interface CallTotals {
  calls: number;
  ms: number;
}

/**
 * Wraps methods of the running app's service objects to time every call. The ingest job holds
 * the very same objects and looks the methods up at call time, so nothing in backend/ changes.
 */
export function timeServiceCalls(services: Services) {
  const totals = new Map<string, CallTotals>();
  const wrap = (target: object, key: string, label: string) => {
    const obj = target as Record<string, (...args: unknown[]) => unknown>;
    const original = obj[key]!.bind(target);
    obj[key] = (...args: unknown[]) => {
      const t0 = performance.now();
      const add = () => {
        const entry = totals.get(label) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t0;
        totals.set(label, entry);
      };
      const result = original(...args);
      if (result instanceof Promise) return result.finally(add);
      add();
      return result;
    };
  };
  wrap(services.embedder, 'embed', 'embed (cache + Ollama)');
  wrap(services.llm, 'embed', 'Ollama /api/embed (HTTP)');
  wrap(services.vectors, 'upsertChunks', 'Chroma upsert');
  wrap(services.vectors, 'deleteDocumentFrom', 'Chroma delete leftovers');
  wrap(services.chunks, 'replaceForDocument', 'SQLite chunks + FTS5');
  return {
    /** Totals since the last call, then cleared. */
    take(): Map<string, CallTotals> {
      const out = new Map(totals);
      totals.clear();
      return out;
    },
  };
}

export interface Timeline {
  progress: { t: number; p: IngestProgress }[];
  ready?: { t: number; doc: DocumentDto };
  failed?: { t: number; doc: DocumentDto };
}

/** The api as one signed-in client sees it. */
export interface Api {
  baseUrl: string;
  token: string;
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
}

/** A real socket.io client on the default collection that timestamps every document event. */
export async function watchDocuments(api: Api) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(api.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: api.token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('subscribe', { collectionIds: ['default'] });
  const timelines = new Map<string, Timeline>();
  const waiters = new Map<string, () => void>();
  const of = (id: string) => timelines.get(id) ?? timelines.set(id, { progress: [] }).get(id)!;
  socket.on('document.progress', (p) => of(p.documentId).progress.push({ t: performance.now(), p }));
  socket.on('document.ready', (doc) => {
    of(doc.id).ready = { t: performance.now(), doc };
    waiters.get(doc.id)?.();
  });
  socket.on('document.failed', (doc) => {
    of(doc.id).failed = { t: performance.now(), doc };
    waiters.get(doc.id)?.();
  });
  return {
    timeline: of,
    /** Resolves when the document is ready or failed (by socket event, or by polling the API as a fallback). */
    async settled(id: string, timeoutMs: number): Promise<Timeline> {
      const deadline = Date.now() + timeoutMs;
      const done = () => of(id).ready ?? of(id).failed;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`document ${id} was not ready after ${timeoutMs / 1000} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          waiters.set(id, () => (clearTimeout(timer), resolve()));
        });
        waiters.delete(id);
        if (!done()) await pollOnce(api, id, of(id));
      }
      return of(id);
    },
    close: () => socket.disconnect(),
  };
}

async function pollOnce(api: Api, id: string, timeline: Timeline): Promise<void> {
  const res = await api.fetch(`/api/v1/documents/${id}`);
  if (!res.ok) return;
  const doc = (await res.json()) as DocumentDto;
  if (doc.status === 'ready') timeline.ready ??= { t: performance.now(), doc };
  if (doc.status === 'failed') timeline.failed ??= { t: performance.now(), doc };
}
