import { API_KEY_SCOPES, type ApiKeyDto, type ApiKeyScope } from '../contracts/auth.ts';
import type { ApiKeyRow } from './api-keys.repository.ts';

/** The public shape of an API key: its prefix, never its hash or secret. */
export function presentApiKey(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    ownerId: row.owner_id,
  };
}

/** Scopes as stored (a JSON array); anything unreadable means no scopes, never more. */
export function parseScopes(text: string): ApiKeyScope[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? API_KEY_SCOPES.filter((s) => value.includes(s)) : [];
  } catch {
    return [];
  }
}
