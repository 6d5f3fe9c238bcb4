import type { RequestHandler } from 'express';
import { isApiKey, type ApiKeysService } from '../api-keys/api-keys.service.ts';
import { API_KEY_SCOPES } from '../contracts/auth.ts';
import { UnauthorizedError } from '../http/errors.ts';
import type { UsersRepository } from '../users/users.repository.ts';
import type { AccessTokens } from './auth.tokens.ts';
import { permissionsFor } from './permissions.ts';
import type { Principal } from './principal.ts';
import type { RefreshTokensRepository } from './refresh-tokens.repository.ts';

export interface AuthenticatorDeps {
  tokens: AccessTokens;
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  apiKeys: ApiKeysService;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/i;

/**
 * Turns a bearer credential into a Principal. Access tokens are checked against the database as
 * well as their signature: a disabled user, a signed-out or revoked session, or a changed role
 * takes effect at once, not when the token expires.
 */
export function createAuthenticator(deps: AuthenticatorDeps) {
  const { tokens, users, refreshTokens, apiKeys } = deps;

  /** The principal of an access token (JWT only); 401 if it is not valid now. Use it for the socket.io handshake. */
  async function verifyAccessToken(token: string): Promise<Principal> {
    const claims = await tokens.verify(token);
    const user = users.get(claims.userId);
    if (!user || user.disabled) throw new UnauthorizedError('the account is not active');
    if (!refreshTokens.isFamilyActive(claims.sessionId, user.id)) throw new UnauthorizedError('the session has ended; sign in again');
    return {
      kind: 'user',
      userId: user.id,
      email: user.email,
      role: user.role,
      scopes: API_KEY_SCOPES,
      permissions: permissionsFor(user.role),
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
    };
  }

  /** The principal of an access token or an API key; 401 otherwise. */
  async function verifyBearer(token: string): Promise<Principal> {
    return isApiKey(token) ? apiKeys.authenticate(token) : verifyAccessToken(token);
  }

  /** Express middleware: requires `Authorization: Bearer <access token | API key>` and sets `req.principal`. */
  const authenticate: RequestHandler = async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) throw new UnauthorizedError('sign in, or send an API key as Authorization: Bearer');
    const match = BEARER.exec(header);
    if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
    req.principal = await verifyBearer(match[1]!);
    next();
  };

  return { authenticate, verifyAccessToken, verifyBearer };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
