import type { Request } from 'express';
import type { ApiKeyScope, Permission, UserRole } from '../contracts/auth.ts';
import { UnauthorizedError } from '../http/errors.ts';

/** Who is calling: a signed-in user, or a program with one of a user's API keys. */
export interface Principal {
  kind: 'user' | 'apiKey';
  userId: string;
  email: string;
  /** The user's role now (read from the database on every request, not from the token). */
  role: UserRole;
  /** An API key's scopes; a user session is not narrowed by scopes and carries all of them. */
  scopes: readonly ApiKeyScope[];
  /** What the caller may do: the role's permissions, narrowed by the key's scopes. */
  permissions: readonly Permission[];
  /** The API key used, for `kind: 'apiKey'`. */
  keyId?: string;
  /** The sign-in session (refresh token family) an access token belongs to, for `kind: 'user'`. */
  sessionId?: string;
  /** When the credential stops working (epoch ms), if it does; a socket should disconnect then. */
  expiresAt?: number;
}

// The one place Express's Request learns about the principal.
declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** The authenticated caller; a 401 if `authenticate` did not run or found nobody. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new UnauthorizedError();
  return req.principal;
}

/** Who did it and from where, for the audit log. */
export function actorContext(req: Request): { actor: Principal | null; ip: string | null } {
  return { actor: req.principal ?? null, ip: req.ip ?? null };
}
