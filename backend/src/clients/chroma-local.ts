import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.ts';

export interface LocalChroma {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Chroma from the chromadb npm package (`chroma run`) for the embedded one-command start
 * and for tests, and waits until it answers. Stopped with SIGINT: it ignores SIGTERM for a while.
 */
export async function startLocalChroma(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
  readyTimeoutMs?: number;
  /** Let this process exit without stopping Chroma first; Chroma is sent SIGINT as it exits. */
  unref?: boolean;
}): Promise<LocalChroma> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // The package exports no package.json; its entry point sits next to the CLI in dist/.
  const cli = path.join(path.dirname(fileURLToPath(import.meta.resolve('chromadb'))), 'cli.mjs');
  const url = `http://127.0.0.1:${opts.port}`;
  if (await answers(url)) throw new Error(`port ${opts.port} is already taken by something that answers like Chroma; set CHROMA_URL to use it, or CHROMA_LOCAL_PORT to start another`);

  const child = spawn(process.execPath, [cli, 'run', '--path', opts.dataDir, '--host', '127.0.0.1', '--port', String(opts.port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!(await answers(url))) {
    if (child.exitCode !== null) throw new Error(`local Chroma exited with code ${child.exitCode}: ${output.trim().slice(-500)}`);
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`local Chroma did not answer on ${url} in time`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (opts.unref) {
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    process.once('exit', () => child.kill('SIGINT'));
  }
  opts.logger.info({ url, dataDir: opts.dataDir }, 'local Chroma started');
  return { url, stop: () => stop(child) };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
