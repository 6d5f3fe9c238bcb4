import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { createUserRequestSchema } from '../contracts/auth.ts';
import { ConflictError } from '../http/errors.ts';
import type { UsersService } from './users.service.ts';

export type BootstrapResult = 'created' | 'users_exist' | 'not_configured';

/**
 * Creates the first admin from BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, only while the
 * users table is empty; afterwards the variables are ignored (and should be removed).
 */
export async function bootstrapAdmin(config: Pick<Config, 'auth'>, users: UsersService): Promise<BootstrapResult> {
  const { email, password, name } = config.auth.bootstrapAdmin;
  if (!email && !password) return 'not_configured';
  if (!email || !password) {
    const missing = email ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_EMAIL';
    throw new ConfigError(`invalid configuration:\n  ${missing}: must be set together with ${email ? 'BOOTSTRAP_ADMIN_EMAIL' : 'BOOTSTRAP_ADMIN_PASSWORD'}`);
  }
  if (users.count() > 0) return 'users_exist';
  const parsed = createUserRequestSchema.safeParse({ email, name, role: 'admin', password });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `BOOTSTRAP_ADMIN_${String(i.path[0] ?? '').toUpperCase()}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  try {
    await users.create(parsed.data, { actor: null, ip: null });
  } catch (err) {
    // Another process started at the same moment and made it first.
    if (err instanceof ConflictError) return 'users_exist';
    throw err;
  }
  return 'created';
}
