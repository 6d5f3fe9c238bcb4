/**
 * The container healthcheck (run by `HEALTHCHECK` with the image's own node, no curl): exits 0 when
 * this process's roles can do their work. The api role must answer /health on its port; the worker
 * role must reach Redis, where its jobs come from. Reads the same environment as the process.
 */
import { createRedis } from '../clients/redis.ts';
import { loadConfig } from '../config.ts';

const TIMEOUT_MS = 4000;

async function checkApi(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`/health answered ${res.status}`);
}

async function checkRedis(config: Parameters<typeof createRedis>[0]): Promise<void> {
  // A queue connection waits for the connection to open (bounded by the timeout below).
  const redis = createRedis(config, 'queue');
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer in time')), TIMEOUT_MS).unref()),
    ]);
    if (pong !== 'PONG') throw new Error(`Redis answered ${pong}`);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.roles.has('api')) await checkApi(config.http.port);
  if (config.roles.has('worker')) await checkRedis(config);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
