import type { UserDto } from '../contracts/auth.ts';
import type { UserRow } from './users.repository.ts';

/** The public shape of a user: never the password hash. */
export function presentUser(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}
