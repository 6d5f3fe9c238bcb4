import { Router } from 'express';
import { createApiKeysRepository } from '../api-keys/api-keys.repository.ts';
import { apiKeysRouter } from '../api-keys/api-keys.routes.ts';
import { createApiKeysService } from '../api-keys/api-keys.service.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { auditRouter } from '../audit/audit.routes.ts';
import { createAuditLog } from '../audit/audit.service.ts';
import type { Db } from '../clients/db.ts';
import type { RedisConnection } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createRateLimits } from '../rate-limit/rate-limits.ts';
import { settingsRouter } from '../settings/settings.routes.ts';
import { createSettingsStore, settingsDefaults } from '../settings/settings.store.ts';
import { createUsersRepository } from '../users/users.repository.ts';
import { adminUsersRouter } from '../users/users.routes.ts';
import { createUsersService } from '../users/users.service.ts';
import { authRouter } from './auth.routes.ts';
import { createAuthService } from './auth.service.ts';
import { createAccessTokens } from './auth.tokens.ts';
import type { ListModels } from '../settings/settings.store.ts';
import { createAuthenticator } from './authenticate.ts';
import { createRefreshTokensRepository } from './refresh-tokens.repository.ts';

export interface SecurityDeps {
  config: Pick<Config, 'auth' | 'rateLimit' | 'redis' | 'ollama' | 'ingest' | 'retrieval' | 'chat'>;
  db: Db;
  /** A fail-fast connection (`createRedis(config, 'cache')`): rate limits must not queue commands. */
  redis: RedisConnection;
  logger: Logger;
  /** AUTH_JWT_SECRET, or `loadOrCreateSecret(config.paths.dataDir)`. */
  jwtSecret: string;
}

/** Accounts, sessions, API keys, rate limits, audit log and settings, built once from their parts. */
export function createSecurity(deps: SecurityDeps) {
  const { config, db, logger } = deps;
  const users = createUsersRepository(db);
  const refreshTokens = createRefreshTokensRepository(db);
  const audit = createAuditLog({ repository: createAuditRepository(db), logger });
  const tokens = createAccessTokens({ secret: deps.jwtSecret, issuer: config.auth.issuer, audience: config.auth.audience, ttlS: config.auth.accessTokenTtlS });
  const limits = createRateLimits({ redis: deps.redis, keyPrefix: `${config.redis.prefix}:rl`, limits: config.rateLimit, logger });
  const usersService = createUsersService({ db, users, refreshTokens, audit });
  const apiKeys = createApiKeysService({ apiKeys: createApiKeysRepository(db), users, audit });
  const auth = createAuthService({ db, users, usersService, refreshTokens, tokens, limits, audit, refreshTokenTtlS: config.auth.refreshTokenTtlS });
  const authenticator = createAuthenticator({ tokens, users, refreshTokens, apiKeys });
  const settings = createSettingsStore(db, settingsDefaults(config));
  return { users, usersService, refreshTokens, audit, tokens, limits, apiKeys, auth, authenticator, settings, refreshTokenTtlS: config.auth.refreshTokenTtlS };
}

export type Security = ReturnType<typeof createSecurity>;

/** Mounts /auth and the admin routes for users, API keys, audit and settings (for the /api/v1 router). */
export function securityRouter(security: Security, options: { listModels: ListModels }): Router {
  const { authenticate } = security.authenticator;
  const router = Router();
  router.use('/auth', authRouter({ auth: security.auth, authenticate, refreshTokenTtlS: security.refreshTokenTtlS }));
  router.use('/admin/users', adminUsersRouter({ users: security.usersService, auth: security.auth, authenticate }));
  router.use('/admin/api-keys', apiKeysRouter({ apiKeys: security.apiKeys, authenticate }));
  router.use('/admin/audit', auditRouter({ audit: security.audit, authenticate }));
  router.use('/admin/settings', settingsRouter({ settings: security.settings, audit: security.audit, authenticate, listModels: options.listModels }));
  return router;
}
