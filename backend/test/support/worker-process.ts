import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main.ts');

export type WorkerProcess = ChildProcess & { output: () => string; exited: () => Promise<number | null> };

/**
 * The product's worker role in a process of its own (`node src/main.ts` with ROLES=worker),
 * sharing a test stack's data dir, Redis prefix and Chroma prefix through its environment.
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, ROLES: 'worker', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (out += b));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => out, exited: () => exit });
}

/** Kills a worker process with SIGKILL (no draining, no cleanup) and waits until it is gone. */
export async function killWorker(worker: WorkerProcess): Promise<void> {
  if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await worker.exited();
}
