import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../backend/src/config.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { start } from '../../backend/src/main.ts';
import { createUser } from '../../backend/test/support/stack.ts';
import { startEmulatorProcess } from './emulator-process.ts';
import { REDIS_URL, deleteRedisPrefix, freePort, tempDir, type guardRun } from './harness.ts';
import type { Api } from './ingest-probe.ts';

/**
 * The real app as `npm start` runs it (api and worker in one process, its local Chroma under a
 * fresh DATA_DIR) with the Ollama emulator in its own process, and an admin signed in through the
 * API. Everything it starts or writes is undone by the guard's cleanup. `env` adds to or
 * overrides the defaults.
 */
export async function startAppStack(guard: ReturnType<typeof guardRun>, name: string, env: Record<string, string> = {}) {
  const emulator = await startEmulatorProcess();
  guard.onCleanup(() => emulator.stop());

  const id = randomUUID().slice(0, 8);
  const dataDir = tempDir(name);
  guard.onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    DATA_DIR: dataDir,
    OLLAMA_HOST: emulator.url,
    // No CHROMA_URL: the app starts its local Chroma under DATA_DIR, as the one-command start does.
    CHROMA_LOCAL_PORT: String(await freePort()),
    CHROMA_PREFIX: `bench-${id}`,
    REDIS_URL,
    REDIS_PREFIX: `bench-${id}`,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    // A run stopped by its time limit should not wait long for a running job.
    SHUTDOWN_GRACE_S: '5',
    ...env,
  });
  const app = await start(config, createLogger(config));
  guard.onCleanup(async () => {
    await app.services.vectors.dropAll();
    await deleteRedisPrefix(app.services.redis, config.redis.prefix);
    await app.stop();
  });
  const baseUrl = `http://127.0.0.1:${(app.server!.address() as AddressInfo).port}`;
  const admin = await createUser(baseUrl, app.services, 'admin');
  const api: Api = {
    baseUrl,
    token: admin.token,
    fetch(pathname, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${admin.token}`);
      return fetch(`${baseUrl}${pathname}`, { ...init, headers });
    },
  };
  return { app, config, api };
}
