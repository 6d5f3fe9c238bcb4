/**
 * Worker-thread entry of the keyword search pool: a read-only SQLite connection of its own, so
 * BM25 scoring never runs on the api's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createKeywordSearch, type KeywordQuery } from './keyword-search.ts';
import type { KeywordReply, KeywordRequest } from './keyword-pool.ts';

const port = parentPort;
if (!port) throw new Error('keyword.worker.ts must run in a worker thread');
const { databaseFile } = workerData as { databaseFile: string };
const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const search = createKeywordSearch(db);

port.on('message', ({ id, query }: KeywordRequest) => {
  let reply: KeywordReply;
  try {
    reply = { id, hits: search(query satisfies KeywordQuery) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
