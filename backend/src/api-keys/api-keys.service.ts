import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Page } from '../contracts/admin.ts';
import type { ApiKeyDto, createApiKeyRequestSchema, CreatedApiKeyDto } from '../contracts/auth.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import { hashToken, randomToken } from '../auth/auth.tokens.ts';
import { permissionsFor, scopeUsableBy } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../http/errors.ts';
import type { ActorContext } from '../users/users.service.ts';
import type { UsersRepository } from '../users/users.repository.ts';
import { parseScopes, presentApiKey } from './api-keys.presenter.ts';
import type { ApiKeysRepository } from './api-keys.repository.ts';

export type CreateApiKeyInput = z.output<typeof createApiKeyRequestSchema>;

/** Every key starts with this, so a leaked one is recognisable (and secret scanners can find it). */
export const API_KEY_PREFIX = 'rag_';
const API_KEY_FORMAT = /^rag_[A-Za-z0-9_-]{43}$/;
const SHOWN_PREFIX_LENGTH = 12;
const LAST_USED_EVERY_MS = 60_000;

/** True when a bearer credential looks like one of our API keys rather than a JWT. */
export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** API keys for programs: the secret is shown once and stored as a hash. */
export function createApiKeysService(deps: { apiKeys: ApiKeysRepository; users: UsersRepository; audit: AuditLog }) {
  const { apiKeys, users, audit } = deps;

  return {
    /** Makes a key for the caller (or, for an admin, `ownerId`); the answer is the only place the secret appears. */
    create(input: CreateApiKeyInput, ctx: ActorContext & { actor: Principal }): CreatedApiKeyDto {
      const owner = users.get(input.ownerId ?? ctx.actor.userId);
      if (!owner) throw new NotFoundError('user not found');
      if (owner.disabled) throw new ConflictError('the owner of the key is disabled');
      const scopes = [...new Set(input.scopes)];
      const useless = scopes.filter((s) => !scopeUsableBy(owner.role, s));
      if (useless.length > 0) throw new BadRequestError(`a ${owner.role} cannot use the scope ${useless.join(', ')}`, undefined, 'invalid_scope');
      if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) throw new BadRequestError('expiresAt must be in the future', undefined, 'invalid_expiry');

      const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
      const row = apiKeys.insert({
        id: randomUUID(),
        ownerId: owner.id,
        name: input.name,
        prefix: secret.slice(0, SHOWN_PREFIX_LENGTH),
        keyHash: hashToken(secret),
        scopes,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      });
      audit.record({ ...ctx, action: 'api_key.created', target: row.id, details: { name: row.name, ownerId: owner.id, scopes, expiresAt: row.expires_at } });
      return { ...presentApiKey(row), secret };
    },

    list(query: { ownerId?: string; limit: number; offset: number }): Page<ApiKeyDto> {
      const { items, total } = apiKeys.list(query);
      return { items: items.map(presentApiKey), total, limit: query.limit, offset: query.offset };
    },

    /** Revokes a key at once; revoking a revoked key changes nothing. */
    revoke(id: string, ctx: ActorContext): ApiKeyDto {
      if (!apiKeys.get(id)) throw new NotFoundError('API key not found');
      if (apiKeys.revoke(id)) audit.record({ ...ctx, action: 'api_key.revoked', target: id });
      return presentApiKey(apiKeys.get(id)!);
    },

    /** The principal of a presented key; 401 when it is unknown, revoked, expired, or its owner is disabled. */
    authenticate(secret: string): Principal {
      if (!API_KEY_FORMAT.test(secret)) throw new UnauthorizedError('the API key is not valid');
      const row = apiKeys.findByHash(hashToken(secret));
      if (!row || row.revoked_at || row.owner_disabled) throw new UnauthorizedError('the API key is not valid');
      const expiresAt = row.expires_at ? Date.parse(row.expires_at) : undefined;
      if (expiresAt !== undefined && expiresAt <= Date.now()) throw new UnauthorizedError('the API key has expired');
      apiKeys.touch(row.id, LAST_USED_EVERY_MS);
      const scopes = parseScopes(row.scopes);
      return {
        kind: 'apiKey',
        userId: row.owner_id,
        email: row.owner_email,
        role: row.owner_role,
        scopes,
        permissions: permissionsFor(row.owner_role, scopes),
        keyId: row.id,
        expiresAt,
      };
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
