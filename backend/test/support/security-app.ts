import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { openDatabase } from '../../src/clients/db.ts';
import { createRedis } from '../../src/clients/redis.ts';
import { loadConfig } from '../../src/config.ts';
import type { UserRole } from '../../src/contracts/auth.ts';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler.ts';
import { createLogger } from '../../src/logger.ts';
import { limitChat } from '../../src/rate-limit/rate-limits.ts';
import { loadOrCreateSecret } from '../../src/auth/auth.tokens.ts';
import { PERMISSIONS } from '../../src/contracts/auth.ts';
import { requirePermission, requireRole } from '../../src/auth/permissions.ts';
import { principalOf } from '../../src/auth/principal.ts';
import { createSecurity, securityRouter } from '../../src/auth/security.ts';

export type SecurityTestApp = Awaited<ReturnType<typeof startSecurityTestApp>>;

/**
 * For tests: the security routers on a real SQLite (temp dir) and real Redis (own key prefix),
 * behind the project's error handler, plus probe routes guarded by each permission
 * (`GET /api/v1/probe/<permission with - for :>`, e.g. /probe/documents-read) and a rate-limited `POST /api/v1/probe/chat`.
 * `close()` deletes the Redis keys and the temp dir.
 */
export async function startSecurityTestApp(options: { env?: Record<string, string>; models?: string[] } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-auth-test-'));
  const prefix = `test-auth-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ DATA_DIR: dataDir, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...options.env });
  const db = openDatabase(config.paths.database);
  const redis = createRedis(config, 'cache');
  await waitReady(redis);
  const logger = createLogger(config);
  const security = createSecurity({ config, db, redis, logger, jwtSecret: config.auth.jwtSecret ?? loadOrCreateSecret(dataDir) });
  const modelCalls = { count: 0 };
  const listModels = async () => {
    modelCalls.count++;
    // What Ollama reports: embedding models can only embed; the others complete.
    return (options.models ?? ['llama3.2:3b', 'nomic-embed-text:latest', 'qwen2.5:7b']).map((name) => ({ name, capabilities: /embed/.test(name) ? ['embedding'] : ['completion'] }));
  };

  const app = express();
  app.set('query parser', 'simple');
  app.set('trust proxy', 'loopback');
  const api = express.Router();
  api.use(express.json({ limit: '64kb', strict: true }));
  api.use(securityRouter(security, { listModels }));
  const { authenticate } = security.authenticator;
  for (const permission of PERMISSIONS) {
    api.get(`/probe/${probePath(permission)}`, authenticate, requirePermission(permission), (req, res) => {
      res.json({ userId: principalOf(req).userId, kind: principalOf(req).kind });
    });
  }
  api.get('/probe/role/admin', authenticate, requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  api.post('/probe/chat', authenticate, requirePermission('chat'), limitChat(security.limits), (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/api/v1', api);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  let n = 0;
  const t = {
    app,
    config,
    db,
    redis,
    security,
    dataDir,
    prefix,
    modelCalls,
    http: () => request(app),

    /** A user made through the service (as an admin would), with a password long enough. */
    async createUser(role: UserRole, overrides: { email?: string; password?: string; name?: string } = {}) {
      n++;
      const email = overrides.email ?? `${role}${n}-${randomUUID().slice(0, 6)}@example.org`;
      const password = overrides.password ?? `correct horse battery ${n}`;
      const user = await security.usersService.create({ email, password, role, name: overrides.name ?? `${role} ${n}` }, { actor: null, ip: null });
      return { ...user, password };
    },

    /** Signs in over HTTP; gives the access token and the refresh cookie value. */
    async login(email: string, password: string, ip = '10.0.0.1') {
      const res = await request(app).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { accessToken: res.body.accessToken as string, refreshToken: refreshCookieOf(res), res };
    },

    /** A new user of this role, signed in: the user (with password), its access token and the header carrying it. */
    async signedIn(role: UserRole, ip = '10.0.0.1') {
      const user = await t.createUser(role);
      const { accessToken } = await t.login(user.email, user.password, ip);
      return { user, accessToken, auth: { Authorization: `Bearer ${accessToken}` } };
    },

    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The probe route of a permission (a `:` would be a route parameter to Express). */
export const probePath = (permission: string) => permission.replace(':', '-');

/** The value of the `rag_refresh` cookie a response set, or undefined. */
export function refreshCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const setCookie = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
  const cookie = setCookie.find((c) => c.startsWith('rag_refresh='));
  const value = cookie?.split(';')[0]!.slice('rag_refresh='.length);
  return value ? decodeURIComponent(value) : undefined;
}

async function waitReady(redis: ReturnType<typeof createRedis>): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
}
