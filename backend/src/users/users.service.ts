import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Db } from '../clients/db.ts';
import type { Page } from '../contracts/admin.ts';
import type { createUserRequestSchema, updateUserRequestSchema, UserDto } from '../contracts/auth.ts';
import type { AuditActor, AuditLog } from '../audit/audit.service.ts';
import type { RefreshTokensRepository } from '../auth/refresh-tokens.repository.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { presentUser } from './users.presenter.ts';
import type { UserRow, UsersRepository } from './users.repository.ts';

export type CreateUserInput = z.output<typeof createUserRequestSchema>;
export type UpdateUserInput = z.output<typeof updateUserRequestSchema>;

/** Who asks, and from where: written to the audit log with what they did. */
export interface ActorContext {
  actor: AuditActor | null;
  ip: string | null;
}

export interface UsersServiceDeps {
  db: Db;
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  audit: AuditLog;
}

/** Accounts: creation, roles, disabling, passwords. Never hands out a password hash. */
export function createUsersService(deps: UsersServiceDeps) {
  const { db, users, refreshTokens, audit } = deps;

  return {
    async create(input: CreateUserInput, ctx: ActorContext): Promise<UserDto> {
      if (users.findByEmail(input.email)) throw new ConflictError('a user with this email already exists');
      const passwordHash = await hashPassword(input.password);
      let row: UserRow;
      try {
        row = users.insert({ id: randomUUID(), email: input.email, name: input.name, role: input.role, passwordHash });
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError('a user with this email already exists');
        throw err;
      }
      audit.record({ ...ctx, action: 'user.created', target: row.id, details: { email: row.email, role: row.role } });
      return presentUser(row);
    },

    list(limit: number, offset: number): Page<UserDto> {
      const { items, total } = users.list(limit, offset);
      return { items: items.map(presentUser), total, limit, offset };
    },

    get(id: string): UserDto {
      return presentUser(requireUser(id));
    },

    count: () => users.count(),

    /**
     * Changes role, name or disabled. Refuses (409) any change that would leave no active admin.
     * Disabling ends the user's sessions; their API keys stop working because their owner is disabled.
     */
    update(id: string, patch: UpdateUserInput, ctx: ActorContext): UserDto {
      const { before, after } = db.transaction(() => {
        const before = requireUser(id);
        const wasActiveAdmin = before.role === 'admin' && before.disabled === 0;
        const staysActiveAdmin = (patch.role ?? before.role) === 'admin' && !(patch.disabled ?? (before.disabled === 1));
        if (wasActiveAdmin && !staysActiveAdmin && users.countActiveAdmins() <= 1) {
          throw new ConflictError('this is the last active admin; make another admin first');
        }
        const after = users.update(id, patch)!;
        if (patch.disabled === true) refreshTokens.revokeAllForUser(id);
        return { before, after };
      })();
      if (before.role !== after.role) audit.record({ ...ctx, action: 'user.role_changed', target: id, details: { from: before.role, to: after.role } });
      if (before.name !== after.name) audit.record({ ...ctx, action: 'user.renamed', target: id, details: { from: before.name, to: after.name } });
      if (before.disabled !== after.disabled) audit.record({ ...ctx, action: after.disabled ? 'user.disabled' : 'user.enabled', target: id });
      return presentUser(after);
    },

    /**
     * Checks an email and password in the same time whether or not the email exists. Gives the
     * user row only for the right password (disabled users included: the caller decides).
     */
    async verifyCredentials(email: string, password: string): Promise<UserRow | null> {
      const row = users.findByEmail(email);
      const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
      if (!row || !ok) return null;
      if (needsRehash(row.password_hash)) users.replaceHash(row.id, await hashPassword(password));
      return row;
    },

    /**
     * Changes a user's own password after checking the current one (400 `wrong_password` if it is
     * not). Every other session of the user ends; `keepSessionId` (the caller's) stays.
     */
    async changePassword(userId: string, currentPassword: string, newPassword: string, opts: ActorContext & { keepSessionId?: string }): Promise<void> {
      const row = requireUser(userId);
      if (!(await verifyPassword(row.password_hash, currentPassword))) {
        throw new BadRequestError('the current password is not correct', undefined, 'wrong_password');
      }
      if (currentPassword === newPassword) throw new BadRequestError('the new password must differ from the current one', undefined, 'same_password');
      const passwordHash = await hashPassword(newPassword);
      db.transaction(() => {
        users.setPassword(userId, passwordHash);
        refreshTokens.revokeAllForUser(userId, opts.keepSessionId);
      })();
      audit.record({ actor: opts.actor, ip: opts.ip, action: 'auth.password_changed', target: userId });
    },
  };

  function requireUser(id: string): UserRow {
    const row = users.get(id);
    if (!row) throw new NotFoundError('user not found');
    return row;
  }
}

export type UsersService = ReturnType<typeof createUsersService>;
