import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';

export const BENCH_DIR = path.dirname(import.meta.dirname);
export const REPO_DIR = path.dirname(BENCH_DIR);
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rag-bench-${name}-`));

/** Deletes every key under `${prefix}:` (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * Cleanup that runs once: at the end, on SIGINT/SIGTERM, or when the time limit passes (the
 * run is then reported as failed). Keeps every run bounded in time and leaves nothing behind.
 */
export function guardRun(name: string, limitMs: number) {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let done: Promise<void> | undefined;
  const cleanup = () =>
    (done ??= (async () => {
      for (const step of cleanups.reverse()) {
        try {
          await step();
        } catch (err) {
          process.stderr.write(`${name}: cleanup step failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    })());
  const abort = (why: string) => {
    process.stderr.write(`${name}: ${why}; cleaning up\n`);
    void cleanup().finally(() => process.exit(1));
  };
  const timer = setTimeout(() => abort(`time limit of ${Math.round(limitMs / 1000)} s reached`), limitMs);
  timer.unref();
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  return {
    /** Registers a cleanup step; steps run last-registered first. */
    onCleanup(step: () => Promise<unknown> | unknown) {
      cleanups.push(step);
    },
    async finish(exitCode = 0) {
      clearTimeout(timer);
      await cleanup();
      process.exit(exitCode);
    },
    run(main: () => Promise<void>) {
      main().then(
        () => this.finish(0),
        (err: unknown) => {
          process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
          void this.finish(1);
        },
      );
    },
  };
}

/** Writes a run's figures to bench/results/ (gitignored) and returns the path. */
export function saveResults(name: string, results: unknown): string {
  const dir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** Machine facts printed with every result, since the figures depend on them. */
export function machine() {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memGb: Math.round(os.totalmem() / 2 ** 30),
    loadavg1m: os.loadavg()[0]!,
  };
}
