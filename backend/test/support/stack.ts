import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { startLocalChroma, type LocalChroma } from '../../src/clients/chroma-local.ts';
import { createRedis } from '../../src/clients/redis.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DocumentDto } from '../../src/contracts/documents.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contracts/events.ts';
import type { SessionDto, UserRole } from '../../src/contracts/auth.ts';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/logger.ts';
import { start } from '../../src/main.ts';
import type { Services } from '../../src/services.ts';
import { startOllamaEmulator, type OllamaEmulator } from './ollama-emulator.ts';
import { MACHINE_TEMP_DIR, useOwnTempDir } from './own-temp-dir.ts';

// Everything a test stack writes to "the temp folder" (its data dir included) goes to this process's own.
useOwnTempDir();

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let sharedChroma: Promise<LocalChroma> | undefined;

/** The Chroma of this test run: the one the test script started, or one started for this file. */
export async function testChromaUrl(): Promise<string> {
  if (process.env.TEST_CHROMA_URL) return process.env.TEST_CHROMA_URL;
  if (!sharedChroma) {
    // In the machine's temp dir: Chroma is a server of the run, not part of the product under test.
    const dataDir = fs.mkdtempSync(path.join(MACHINE_TEMP_DIR, 'rag-chroma-'));
    sharedChroma = startLocalChroma({
      dataDir,
      port: 20000 + Math.floor(Math.random() * 20000),
      logger: createLogger({ log: { level: 'silent' } }),
      unref: true,
    });
    // After Chroma's own exit hook (which stops it), its data goes too.
    void sharedChroma.then(() => process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true })));
  }
  return (await sharedChroma).url;
}

/** Environment for a test stack: its own data dir, Redis prefix and Chroma prefix. */
export async function testEnv(emulator: OllamaEmulator, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const id = randomUUID().slice(0, 8);
  return {
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rag-test-')),
    OLLAMA_HOST: emulator.url,
    OLLAMA_TIMEOUT_MS: '5000',
    CHROMA_URL: await testChromaUrl(),
    CHROMA_PREFIX: `t${id}`,
    REDIS_URL,
    REDIS_PREFIX: `test-${id}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    INGEST_RETRY_MAX_DELAY_MS: '500',
    SHUTDOWN_GRACE_S: '5',
    // A worker-only process opens its own /metrics port; any free one, so stacks never collide.
    METRICS_PORT: '0',
    // Limits are tested on their own; elsewhere they would only make tests depend on their order.
    RATE_CHAT_PER_MINUTE: '0',
    RATE_CHAT_PER_DAY: '0',
    ...extra,
  };
}

/** Removes what a process run on a `testEnv` left behind: its Redis keys and its data dir. */
export async function removeTestEnv(env: Record<string, string>): Promise<void> {
  const config = loadConfig(env);
  const redis = createRedis(config, 'queue');
  const keys = await redis.keys(`${config.redis.prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  fs.rmSync(config.paths.dataDir, { recursive: true, force: true });
}

export type TestStack = Awaited<ReturnType<typeof startStack>>;

/**
 * The real app (api and worker, or one of them) on real Redis and Chroma, with the Ollama
 * emulator at the HTTP boundary. `close()` removes every key, collection and file it made.
 */
export async function startStack(options: { env?: Record<string, string>; emulator?: OllamaEmulator; logTo?: DestinationStream } = {}) {
  const emulator = options.emulator ?? (await startOllamaEmulator());
  const env = await testEnv(emulator, options.env);
  const config: Config = loadConfig(env);
  const app = await start(config, createLogger(config, options.logTo)).catch(async (err: unknown) => {
    if (!options.emulator) await emulator.close();
    throw err;
  });
  const baseUrl = app.server ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : '';
  const sockets: Socket[] = [];
  const admin = app.server ? await createUser(baseUrl, app.services, 'admin') : null;

  const stack = {
    /** The admin this stack signed in as. */
    admin,
    token: admin?.token ?? '',

    /** fetch against the api, signed in as the admin unless another token (or none: '') is given. */
    fetch(pathname: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
      const { token = admin?.token ?? '', ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${baseUrl}${pathname}`, { ...rest, headers });
    },

    /** A new account with this role, signed in. */
    createUser: (role: UserRole) => createUser(baseUrl, app.services, role),
    app,
    services: app.services,
    config,
    env,
    emulator,
    baseUrl,
    server: app.server!,

    /** A real socket.io client subscribed to the given collections. */
    async socket(collectionIds = ['default'], token = admin?.token ?? ''): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(baseUrl, { transports: ['websocket'], forceNew: true, auth: { token } });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await socket.emitWithAck('subscribe', { collectionIds });
      return socket;
    },

    /** Polls the API until the document reaches one of the statuses. */
    async waitForStatus(documentId: string, statuses: DocumentDto['status'][], timeoutMs = 60_000): Promise<DocumentDto> {
      const deadline = Date.now() + timeoutMs;
      let last: DocumentDto | undefined;
      while (Date.now() < deadline) {
        const res = await stack.fetch(`/api/v1/documents/${documentId}`);
        if (res.ok) {
          last = (await res.json()) as DocumentDto;
          if (statuses.includes(last.status)) return last;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`document ${documentId} did not reach ${statuses.join('/')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    },

    async close() {
      for (const s of sockets) s.disconnect();
      await app.services.vectors.dropAll().catch(() => {});
      const redis = app.services.redis;
      const keys = await redis.keys(`${config.redis.prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await app.stop();
      if (!options.emulator) await emulator.close();
      fs.rmSync(config.paths.dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

let userCount = 0;

/** Creates an account with the role and signs it in through the real HTTP API. */
export async function createUser(baseUrl: string, services: Services, role: UserRole) {
  const email = `${role}${++userCount}-${randomUUID().slice(0, 6)}@example.org`;
  const password = `pw-${randomUUID()}`;
  const user = await services.security.usersService.create({ email, name: `${role} ${userCount}`, role, password }, { actor: null, ip: null });
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`sign-in of the test ${role} failed: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as SessionDto;
  return { id: user.id, email, password, role, token: session.accessToken, cookie: res.headers.get('set-cookie') ?? '' };
}

/** Uploads files through the real HTTP API as multipart/form-data, as the stack's admin or with the token given. */
export async function upload(
  stack: Pick<TestStack, 'fetch'>,
  files: { name: string; bytes: Buffer | string; type?: string }[],
  fields: Record<string, string> = {},
  token?: string,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('files', new Blob([f.bytes], { type: f.type ?? 'application/octet-stream' }), f.name);
  const res = await stack.fetch('/api/v1/documents', { method: 'POST', body: form, ...(token !== undefined ? { token } : {}) });
  return { status: res.status, body: (await res.json()) as { documents?: (DocumentDto & { duplicate: boolean })[]; error?: { code: string; message: string } } };
}

/** Reads a server-sent-event stream into a list of { event, data }. */
export async function readSse(res: Response): Promise<{ event: string; data: unknown }[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) as unknown };
    });
}
