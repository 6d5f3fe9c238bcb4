import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { UserRole } from '../contracts/auth.ts';

export interface ApiKeyRow {
  id: string;
  owner_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A key with what authentication needs to know about its owner. */
export interface ApiKeyWithOwner extends ApiKeyRow {
  owner_email: string;
  owner_role: UserRole;
  owner_disabled: number;
}

/** SQL for API keys; keys are found by the SHA-256 of the secret, never by the secret. */
export function createApiKeysRepository(db: Db) {
  const byId = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?');
  const byHash = db.prepare<[string], ApiKeyWithOwner>(
    `SELECT k.*, u.email AS owner_email, u.role AS owner_role, u.disabled AS owner_disabled
       FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_hash = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO api_keys (id, owner_id, name, prefix, key_hash, scopes, created_at, expires_at)
     VALUES (@id, @ownerId, @name, @prefix, @keyHash, @scopes, @now, @expiresAt)`,
  );
  const revoke = db.prepare<[string, string]>('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const touch = db.prepare<[string, string, string]>(
    'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  );

  return {
    get: (id: string) => byId.get(id),
    findByHash: (keyHash: string) => byHash.get(keyHash),
    insert(key: { id: string; ownerId: string; name: string; prefix: string; keyHash: string; scopes: string[]; expiresAt: string | null }): ApiKeyRow {
      insert.run({ ...key, scopes: JSON.stringify(key.scopes), now: nowIso() });
      return byId.get(key.id)!;
    },
    list(filter: { ownerId?: string; limit: number; offset: number }) {
      const where = filter.ownerId ? 'WHERE owner_id = @ownerId' : '';
      const params = { ownerId: filter.ownerId, limit: filter.limit, offset: filter.offset };
      const items = db.prepare(`SELECT * FROM api_keys ${where} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`).all(params) as ApiKeyRow[];
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM api_keys ${where}`).get(params) as { n: number }).n;
      return { items, total };
    },
    /** False when the key was already revoked. */
    revoke: (id: string) => revoke.run(nowIso(), id).changes === 1,
    /** Records a use, writing at most once per `everyMs` so busy keys do not write on every request. */
    touch(id: string, everyMs: number): void {
      const now = Date.now();
      touch.run(new Date(now).toISOString(), id, new Date(now - everyMs).toISOString());
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
