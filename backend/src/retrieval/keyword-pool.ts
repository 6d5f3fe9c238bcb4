import { Worker } from 'node:worker_threads';
import type { Db } from '../clients/db.ts';
import { createKeywordSearch, type KeywordHit, type KeywordQuery } from './keyword-search.ts';

const WORKER_URL = new URL('./keyword.worker.ts', import.meta.url);

export interface KeywordRequest {
  id: number;
  query: KeywordQuery;
}
export type KeywordReply = { id: number; hits: KeywordHit[] } | { id: number; error: string };

export interface KeywordSearcher {
  search(query: KeywordQuery): Promise<KeywordHit[]>;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (hits: KeywordHit[]) => void; reject: (error: Error) => void }>;
}

/**
 * Keyword search on a pool of worker threads, each with its own read-only connection to the
 * database file (WAL lets them read while the api and worker write). A query goes to the thread
 * with the fewest queries in flight. With `threads` 0, or an in-memory database that other
 * connections cannot open, the search runs on the caller's connection instead.
 */
export function createKeywordSearcher(db: Db, databaseFile: string, threads: number): KeywordSearcher {
  if (threads === 0 || databaseFile === ':memory:') {
    const search = createKeywordSearch(db);
    return { search: async (query) => search(query), close: async () => undefined };
  }
  const slots: (Slot | undefined)[] = Array.from({ length: threads }, () => undefined);
  let nextId = 0;

  const start = (index: number): Slot => {
    const worker = new Worker(WORKER_URL, { workerData: { databaseFile } });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (error: Error) => {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
      if (slots[index] === slot) slots[index] = undefined;
    };
    worker.on('message', (reply: KeywordReply) => {
      const waiting = slot.pending.get(reply.id);
      if (!waiting) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`keyword search failed: ${reply.error}`));
      else waiting.resolve(reply.hits);
    });
    worker.on('error', (error) => failAll(new Error(`keyword search thread crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => failAll(new Error(`keyword search thread exited (code ${code})`)));
    slots[index] = slot;
    return slot;
  };

  return {
    search(query) {
      let best = 0;
      for (let i = 1; i < slots.length; i++) if ((slots[i]?.pending.size ?? 0) < (slots[best]?.pending.size ?? 0)) best = i;
      const slot = slots[best] ?? start(best);
      const id = nextId++;
      return new Promise<KeywordHit[]>((resolve, reject) => {
        // An idle pool never keeps the process alive; a query in flight does.
        if (slot.pending.size === 0) slot.worker.ref();
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, query } satisfies KeywordRequest);
      });
    },
    async close() {
      const running = slots.splice(0).filter((s): s is Slot => s !== undefined);
      await Promise.all(running.map((s) => s.worker.terminate()));
    },
  };
}
