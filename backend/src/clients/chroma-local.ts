import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.ts';

export interface LocalChroma {
  url: string;
  /** Process id of the Chroma running now (a restart gives a new one). */
  pid(): number | undefined;
  /** Why the local Chroma is not serving, in words for /ready; null while it runs. */
  problem(): string | null;
  stop(): Promise<void>;
}

/** How an unexpected exit is answered: restarts after a growing delay, and at most so many in a window. */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more exit and Chroma stays down (and /ready says why). */
  maxRestarts: number;
  windowMs: number;
  /** Delay before the first restart; each further exit within the window doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RESTART: RestartPolicy = { maxRestarts: 5, windowMs: 10 * 60_000, initialDelayMs: 500, maxDelayMs: 30_000 };

interface Running {
  child: ChildProcess;
  output(): string;
}

/**
 * Starts Chroma from the chromadb npm package (`chroma run`) for the embedded one-command start
 * and for tests, and waits until it answers. Then supervises it: an exit nobody asked for is
 * logged and followed by a restart with backoff, up to `restart.maxRestarts` within the window.
 * Stopped with SIGINT: it ignores SIGTERM for a while.
 */
export async function startLocalChroma(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
  readyTimeoutMs?: number;
  /** Let this process exit without stopping Chroma first; Chroma is sent SIGINT as it exits. */
  unref?: boolean;
  restart?: Partial<RestartPolicy>;
}): Promise<LocalChroma> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // The package exports no package.json; its entry point sits next to the CLI in dist/.
  const cli = path.join(path.dirname(fileURLToPath(import.meta.resolve('chromadb'))), 'cli.mjs');
  const url = `http://127.0.0.1:${opts.port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const policy = { ...DEFAULT_RESTART, ...opts.restart };
  const log = opts.logger;
  if (await answers(url)) throw new Error(`port ${opts.port} is already taken by something that answers like Chroma; set CHROMA_URL to use it, or CHROMA_LOCAL_PORT to start another`);

  function launch(): Running {
    const child = spawn(process.execPath, [cli, 'run', '--path', opts.dataDir, '--host', '127.0.0.1', '--port', String(opts.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    if (opts.unref) {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    return { child, output: () => output };
  }

  async function waitReady({ child, output }: Running): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await answers(url))) {
      if (exited(child)) throw new Error(`local Chroma exited with ${howItExited(child)}: ${output().trim().slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`local Chroma did not answer on ${url} in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  let current = launch();
  try {
    await waitReady(current);
  } catch (err) {
    await stopChild(current.child);
    throw err;
  }

  let stopping = false;
  let problem: string | null = null;
  let restartTimer: NodeJS.Timeout | undefined;
  const recentExits: number[] = [];

  // An exit while `stopping` is the one stop() asked for; an exit of a replaced process is old news.
  function supervise(running: Running): void {
    running.child.once('exit', () => {
      if (stopping || running !== current) return;
      const how = howItExited(running.child);
      const now = Date.now();
      recentExits.push(now);
      while (recentExits[0]! < now - policy.windowMs) recentExits.shift();
      const details = { pid: running.child.pid, exit: how, output: running.output().trim().slice(-500) };
      if (recentExits.length > policy.maxRestarts) {
        problem = `the local Chroma exited ${recentExits.length} times within ${Math.round(policy.windowMs / 60_000)} minutes (last with ${how}) and is no longer restarted; read the log, then restart the product`;
        log.error(details, 'local Chroma keeps exiting; not restarting it again');
        return;
      }
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (recentExits.length - 1));
      problem = `the local Chroma exited with ${how} and is being restarted (restart ${recentExits.length} of at most ${policy.maxRestarts})`;
      log.error({ ...details, restartInMs: delayMs }, 'local Chroma exited; restarting it');
      restartTimer = setTimeout(restart, delayMs);
      if (opts.unref) restartTimer.unref();
    });
  }

  function restart(): void {
    if (stopping) return;
    const next = launch();
    current = next;
    supervise(next);
    waitReady(next).then(
      () => {
        if (current !== next || stopping) return;
        problem = null;
        log.info({ url, pid: next.child.pid, restarts: recentExits.length }, 'local Chroma restarted and answers again');
      },
      // It exited (already handled by supervise) or hangs: a hung one is killed, and its exit handled.
      () => {
        if (!exited(next.child)) next.child.kill('SIGKILL');
      },
    );
  }

  supervise(current);
  if (opts.unref) {
    process.once('exit', () => {
      stopping = true;
      current.child.kill('SIGINT');
    });
  }
  log.info({ url, dataDir: opts.dataDir, pid: current.child.pid }, 'local Chroma started');
  return {
    url,
    pid: () => current.child.pid,
    problem: () => problem,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      await stopChild(current.child);
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const howItExited = (child: ChildProcess) => (child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`);

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}
