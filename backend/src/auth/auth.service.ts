import { randomUUID } from 'node:crypto';
import type { Db } from '../clients/db.ts';
import type { SessionDto, UnlockResultDto, UserDto } from '../contracts/auth.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import { ForbiddenError, HttpError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../http/errors.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import { presentUser } from '../users/users.presenter.ts';
import type { UserRow, UsersRepository } from '../users/users.repository.ts';
import type { UsersService } from '../users/users.service.ts';
import { hashToken, randomToken, type AccessTokens } from './auth.tokens.ts';
import type { Principal } from './principal.ts';
import type { RefreshTokensRepository } from './refresh-tokens.repository.ts';

export interface AuthServiceDeps {
  db: Db;
  users: UsersRepository;
  usersService: UsersService;
  refreshTokens: RefreshTokensRepository;
  tokens: AccessTokens;
  limits: RateLimits;
  audit: AuditLog;
  refreshTokenTtlS: number;
}

/** A session for the browser: the DTO for the body and the refresh token for the cookie. */
export interface IssuedSession {
  session: SessionDto;
  refreshToken: string;
}

const REFRESH_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const WRONG_CREDENTIALS = 'wrong email or password';

/** Sign-in, rotating refresh, sign-out and password change. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, users, refreshTokens, tokens, limits, audit } = deps;

  /** Stores the next refresh token of a family; the token itself exists only in the answer. */
  function addRefreshToken(userId: string, familyId: string): string {
    const refreshToken = randomToken(32);
    refreshTokens.insert({
      id: randomUUID(),
      familyId,
      userId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + deps.refreshTokenTtlS * 1000).toISOString(),
    });
    return refreshToken;
  }

  async function issue(user: UserRow, familyId: string, refreshToken: string): Promise<IssuedSession> {
    const accessToken = await tokens.sign({ userId: user.id, role: user.role, sessionId: familyId });
    return { session: { accessToken, expiresIn: tokens.ttlS, user: presentUser(user) }, refreshToken };
  }

  /** Counts a wrong password; a lockout it starts goes to the audit log and answers 429. */
  async function countFailure(ip: string | null, email: string, known: { id: string; email: string } | undefined): Promise<void> {
    const lockouts = await limits.recordSignInFailure(ip, email);
    for (const lockout of lockouts) {
      audit.record({ actor: null, ip, action: 'auth.locked_out', target: known?.id ?? null, details: { email, scope: lockout.scope, seconds: lockout.seconds } });
    }
    if (lockouts.length === 0) return;
    const seconds = Math.max(...lockouts.map((l) => l.seconds));
    throw new TooManyRequestsError(`too many failed sign-ins; try again in ${seconds} s`, seconds);
  }

  function endFamily(familyId: string, user: { id: string; email: string } | undefined, ip: string | null, reason: string) {
    refreshTokens.revokeFamily(familyId);
    audit.record({ actor: user ? { userId: user.id, email: user.email } : null, ip, action: 'auth.refresh_reused', target: familyId, details: { reason } });
  }

  return {
    /**
     * Signs in. Unknown email and wrong password answer alike (same error, same time). A locked
     * IP or account answers 429 before the password is looked at.
     */
    async login(input: { email: string; password: string }, ip: string | null): Promise<IssuedSession> {
      await limits.checkSignIn(ip, input.email);
      const user = await deps.usersService.verifyCredentials(input.email, input.password);
      if (!user) {
        const known = users.findByEmail(input.email);
        audit.record({ actor: known ? { userId: known.id, email: known.email } : null, ip, action: 'auth.sign_in_failed', details: { email: input.email, reason: 'wrong_credentials' } });
        await countFailure(ip, input.email, known);
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      if (user.disabled) {
        audit.record({ actor: { userId: user.id, email: user.email }, ip, action: 'auth.sign_in_failed', details: { reason: 'disabled' } });
        throw new UnauthorizedError('this account is disabled; ask an administrator');
      }
      await limits.recordSignInSuccess(ip, input.email);
      users.touchLogin(user.id);
      refreshTokens.pruneExpired(user.id);
      audit.record({ actor: { userId: user.id, email: user.email }, ip, action: 'auth.sign_in' });
      const familyId = randomUUID();
      return issue(users.get(user.id)!, familyId, addRefreshToken(user.id, familyId));
    },

    /**
     * Swaps a refresh token for a new pair. A token that was already used means it was copied:
     * the whole family (every token of that sign-in, the newest included) is revoked.
     */
    async refresh(refreshToken: string | undefined, ip: string | null): Promise<IssuedSession> {
      if (!refreshToken || !REFRESH_FORMAT.test(refreshToken)) throw new UnauthorizedError('no valid refresh token');
      const row = refreshTokens.findByHash(hashToken(refreshToken));
      if (!row || row.revoked_at) throw new UnauthorizedError('the session has ended; sign in again');
      const user = users.get(row.user_id);
      if (row.used_at) {
        endFamily(row.family_id, user, ip, 'a used refresh token was presented again');
        throw new UnauthorizedError('the session has ended; sign in again');
      }
      if (Date.parse(row.expires_at) <= Date.now()) throw new UnauthorizedError('the session has expired; sign in again');
      if (!user || user.disabled) {
        refreshTokens.revokeFamily(row.family_id);
        throw new UnauthorizedError('the session has ended; sign in again');
      }
      // Marking used and issuing the next token commit together; a concurrent refresh loses the race.
      const next = db.transaction(() => (refreshTokens.markUsed(row.id) ? addRefreshToken(user.id, row.family_id) : null))();
      if (!next) {
        endFamily(row.family_id, user, ip, 'a refresh token was used twice at the same time');
        throw new UnauthorizedError('the session has ended; sign in again');
      }
      refreshTokens.pruneExpired(user.id);
      return issue(user, row.family_id, next);
    },

    /** Ends the session the refresh token belongs to (all its tokens and access tokens). */
    logout(refreshToken: string | undefined, ip: string | null): void {
      if (!refreshToken || !REFRESH_FORMAT.test(refreshToken)) return;
      const row = refreshTokens.findByHash(hashToken(refreshToken));
      if (!row) return;
      const ended = refreshTokens.revokeFamily(row.family_id);
      const user = users.get(row.user_id);
      if (ended > 0 && user) audit.record({ actor: { userId: user.id, email: user.email }, ip, action: 'auth.sign_out', target: row.family_id });
    },

    /** An admin lifts the sign-in lockouts of an account (for everyone and from every address); audited. */
    async unlock(userId: string, ctx: { actor: Principal | null; ip: string | null }): Promise<UnlockResultDto> {
      const user = users.get(userId);
      if (!user) throw new NotFoundError('user not found');
      const result = await limits.unlockAccount(user.email);
      audit.record({ ...ctx, action: 'user.unlocked', target: user.id, details: { email: user.email, wasLocked: result.wasLocked } });
      return result;
    },

    me(principal: Principal): UserDto {
      return deps.usersService.get(principal.userId);
    },

    /** Changes the caller's password; wrong current passwords count towards the sign-in lockout. */
    async changePassword(principal: Principal, input: { currentPassword: string; newPassword: string }, ip: string | null): Promise<void> {
      if (principal.kind !== 'user') throw new ForbiddenError('an API key cannot change a password; sign in');
      await limits.checkSignIn(ip, principal.email);
      try {
        await deps.usersService.changePassword(principal.userId, input.currentPassword, input.newPassword, { actor: principal, ip, keepSessionId: principal.sessionId });
      } catch (err) {
        if (err instanceof HttpError && err.code === 'wrong_password') await countFailure(ip, principal.email, { id: principal.userId, email: principal.email });
        throw err;
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
