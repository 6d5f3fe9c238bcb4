import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

/**
 * SQL for refresh tokens. A family is one sign-in: each refresh marks the token used and adds the
 * next one to the same family; revoking the family ends the session (and its access tokens).
 */
export function createRefreshTokensRepository(db: Db) {
  const byHash = db.prepare<[string], RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?');
  const insert = db.prepare(
    `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at)
     VALUES (@id, @familyId, @userId, @tokenHash, @now, @expiresAt)`,
  );
  const markUsed = db.prepare<[string, string]>('UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL');
  const revokeFamily = db.prepare<[string, string]>('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
  const revokeUser = db.prepare<[string, string, string]>(
    'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND family_id != ? AND revoked_at IS NULL',
  );
  const familyActive = db.prepare<[string, string, string], { one: number }>(
    'SELECT 1 AS one FROM refresh_tokens WHERE family_id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ? LIMIT 1',
  );
  const pruneUser = db.prepare<[string, string]>('DELETE FROM refresh_tokens WHERE user_id = ? AND expires_at < ?');

  return {
    findByHash: (tokenHash: string) => byHash.get(tokenHash),
    insert(token: { id: string; familyId: string; userId: string; tokenHash: string; expiresAt: string }): void {
      insert.run({ ...token, now: nowIso() });
    },
    /** False when the token was already used or revoked (a concurrent refresh got there first). */
    markUsed: (id: string) => markUsed.run(nowIso(), id).changes === 1,
    revokeFamily: (familyId: string) => revokeFamily.run(nowIso(), familyId).changes,
    /** Ends every session of a user, except the one given (pass '' to end them all). */
    revokeAllForUser: (userId: string, exceptFamilyId = '') => revokeUser.run(nowIso(), userId, exceptFamilyId).changes,
    /** The session still stands: not revoked, and its newest token has not expired. */
    isFamilyActive: (familyId: string, userId: string) => familyActive.get(familyId, userId, nowIso()) !== undefined,
    /** Drops a user's expired tokens, so the table does not grow with every refresh. */
    pruneExpired: (userId: string) => pruneUser.run(userId, nowIso()).changes,
  };
}

export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>;
