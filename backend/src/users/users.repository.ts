import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { UserRole } from '../contracts/auth.ts';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  password_changed_at: string;
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
}

/** SQL for users; the only place that knows the table's shape. */
export function createUsersRepository(db: Db) {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const insert = db.prepare(
    `INSERT INTO users (id, email, name, role, password_hash, disabled, created_at, updated_at, password_changed_at)
     VALUES (@id, @email, @name, @role, @passwordHash, 0, @now, @now, @now)`,
  );
  const page = db.prepare<[number, number], UserRow>('SELECT * FROM users ORDER BY created_at, id LIMIT ? OFFSET ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users');
  const activeAdmins = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0");
  const update = db.prepare(
    `UPDATE users SET role = COALESCE(@role, role), name = COALESCE(@name, name),
       disabled = COALESCE(@disabled, disabled), updated_at = @now WHERE id = @id`,
  );
  const setPassword = db.prepare<[string, string, string, string]>(
    'UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?',
  );
  const rehash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const touchLogin = db.prepare<[string, string]>('UPDATE users SET last_login_at = ? WHERE id = ?');

  return {
    get: (id: string) => byId.get(id),
    /** Emails are stored lower-cased and compared without case. */
    findByEmail: (email: string) => byEmail.get(email.toLowerCase()),
    insert(user: NewUser): UserRow {
      insert.run({ ...user, email: user.email.toLowerCase(), now: nowIso() });
      return byId.get(user.id)!;
    },
    list: (limit: number, offset: number) => ({ items: page.all(limit, offset), total: count.get()!.n }),
    count: () => count.get()!.n,
    countActiveAdmins: () => activeAdmins.get()!.n,
    update(id: string, fields: { role?: UserRole; name?: string; disabled?: boolean }): UserRow | undefined {
      update.run({
        id,
        role: fields.role ?? null,
        name: fields.name ?? null,
        disabled: fields.disabled === undefined ? null : fields.disabled ? 1 : 0,
        now: nowIso(),
      });
      return byId.get(id);
    },
    /** A new password: `password_changed_at` moves, which is what "other sessions end" is measured from. */
    setPassword(id: string, passwordHash: string): void {
      const now = nowIso();
      setPassword.run(passwordHash, now, now, id);
    },
    /** Same password, stronger hash (the cost went up since it was stored). */
    replaceHash: (id: string, passwordHash: string) => void rehash.run(passwordHash, id),
    touchLogin: (id: string) => void touchLogin.run(nowIso(), id),
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
