/**
 * Worker-thread entry for parseFile: extracts one document and streams the pages back.
 * Runs under the resource limits parseFile sets, so a hostile file can only kill this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PermanentIngestError } from '../ingest.errors.ts';
import { extractDocument } from './extract-document.ts';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse-protocol.ts';

const port = parentPort;
if (!port) throw new Error('parse.worker.ts must run in a worker thread');
const post = (message: ParseWorkerMessage): void => port.postMessage(message);
const { filePath, kind } = workerData as ParseWorkerInput;

try {
  const pageCount = await extractDocument(filePath, kind, (pages) => post({ type: 'pages', pages }));
  post({ type: 'done', pageCount });
} catch (error) {
  if (error instanceof PermanentIngestError) {
    post({ type: 'failed', reason: error.reason, message: error.message });
  } else {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    post({ type: 'failed', reason: null, message });
  }
}
