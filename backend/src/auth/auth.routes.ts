import { Router, type Request, type RequestHandler, type Response } from 'express';
import { changePasswordRequestSchema, loginRequestSchema, ROLES, type RestoredSessionDto } from '../contracts/auth.ts';
import { UnauthorizedError } from '../http/errors.ts';
import { requireRole } from './permissions.ts';
import { parseInput } from '../http/validate.ts';
import type { AuthService, IssuedSession } from './auth.service.ts';
import { principalOf } from './principal.ts';

/** The refresh token cookie: httpOnly, Secure, SameSite=Strict, sent only to the auth routes. */
export const REFRESH_COOKIE = 'rag_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface AuthRouterDeps {
  auth: AuthService;
  authenticate: RequestHandler;
  refreshTokenTtlS: number;
}

/** /api/v1/auth: login, refresh, session (restore on load), logout, me, password. */
export function authRouter(deps: AuthRouterDeps): Router {
  const { auth, authenticate } = deps;
  const router = Router();
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH } as const;

  const sendSession = (res: Response, issued: IssuedSession) => {
    res.cookie(REFRESH_COOKIE, issued.refreshToken, { ...cookieOptions, maxAge: deps.refreshTokenTtlS * 1000 });
    res.json(issued.session);
  };

  // Tokens must never be cached by a browser or a proxy.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/login', async (req, res) => {
    const body = parseInput(loginRequestSchema, req.body, 'sign-in');
    sendSession(res, await auth.login(body, req.ip ?? null));
  });

  router.post('/refresh', async (req, res) => {
    sendSession(res, await auth.refresh(readCookie(req, REFRESH_COOKIE), req.ip ?? null));
  });

  // On page load: restores the session if the cookie allows, and says "signed out" with a 200
  // otherwise, so a first visit logs no failed request. An explicit refresh still answers 401.
  router.post('/session', async (req, res) => {
    let issued: IssuedSession;
    try {
      issued = await auth.refresh(readCookie(req, REFRESH_COOKIE), req.ip ?? null);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      if (readCookie(req, REFRESH_COOKIE) !== undefined) res.clearCookie(REFRESH_COOKIE, cookieOptions);
      res.json({ signedIn: false } satisfies RestoredSessionDto);
      return;
    }
    res.cookie(REFRESH_COOKIE, issued.refreshToken, { ...cookieOptions, maxAge: deps.refreshTokenTtlS * 1000 });
    res.json({ signedIn: true, ...issued.session } satisfies RestoredSessionDto);
  });

  router.post('/logout', (req, res) => {
    auth.logout(readCookie(req, REFRESH_COOKIE), req.ip ?? null);
    res.clearCookie(REFRESH_COOKIE, cookieOptions);
    res.status(204).end();
  });

  router.get('/me', authenticate, (req, res) => {
    res.json(auth.me(principalOf(req)));
  });

  // A password is changed by its owner, signed in: never through an API key.
  router.post('/password', authenticate, requireRole(...ROLES), async (req, res) => {
    const body = parseInput(changePasswordRequestSchema, req.body, 'password change');
    await auth.changePassword(principalOf(req), body, req.ip ?? null);
    res.status(204).end();
  });

  return router;
}

/** One cookie's value from the Cookie header (no cookie-parser: this is the only cookie we read). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
