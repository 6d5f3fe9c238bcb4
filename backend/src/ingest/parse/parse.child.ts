/**
 * Parser process entry for parseFile: extracts one document and streams the pages back over IPC.
 * It runs alone so that everything a hostile file makes it allocate (inflated streams included,
 * which a V8 heap cap does not see) is one process's resident memory, which parseFile watches and
 * kills past the cap. A watchdog thread here does the same from inside, and ends the process when
 * its parent is gone, so an orphaned parser never runs on unwatched.
 */
import { Worker } from 'node:worker_threads';
import { PermanentIngestError } from '../ingest.errors.ts';
import { extractDocument } from './extract-document.ts';
import type { ParseChildInput, ParseChildMessage } from './parse-protocol.ts';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
setInterval(() => {
  const kb = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  if (process.ppid !== workerData.parentPid || (kb && Number(kb[1]) * 1024 > workerData.maxMemoryBytes)) process.kill(process.pid, 'SIGKILL');
}, 25);
`;

if (!process.send) throw new Error('parse.child.ts must run as a child process with an IPC channel');
const input = JSON.parse(process.argv[2] ?? '{}') as ParseChildInput;
new Worker(WATCHDOG, { eval: true, workerData: { parentPid: process.ppid, maxMemoryBytes: input.maxMemoryBytes }, resourceLimits: { maxOldGenerationSizeMb: 8 } }).unref();
const onOrphaned = (): never => process.exit(1);
process.on('disconnect', onOrphaned);

const post = (message: ParseChildMessage): Promise<void> =>
  new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));

try {
  const pageCount = await extractDocument(input.filePath, input.kind, (pages) => void post({ type: 'pages', pages }), {
    maxExpandedBytes: input.maxMemoryBytes,
  });
  await post({ type: 'done', pageCount });
} catch (error) {
  if (error instanceof PermanentIngestError) {
    await post({ type: 'failed', reason: error.reason, message: error.message });
  } else {
    await post({ type: 'failed', reason: null, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}
process.off('disconnect', onOrphaned);
process.disconnect();
