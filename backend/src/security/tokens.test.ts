import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { io as connect } from 'socket.io-client';
import type { AuditEntryDto, Page } from '../contracts/admin.ts';
import type { SessionDto } from '../contracts/auth.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';

const SECRET = randomBytes(48).toString('base64url');
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

type Account = Awaited<ReturnType<TestStack['createUser']>>;

describe('access and refresh tokens through the real app', () => {
  let stack: TestStack;
  let guard: StackGuard;
  let viewer: Account;

  before(async () => {
    stack = await startStack({ env: { AUTH_JWT_SECRET: SECRET } });
    guard = await guardStack(stack);
    viewer = await stack.createUser('viewer');
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  /** A token with the claims of a live session of `account` (admin by default), changed as asked. */
  function forge(options: { secret?: string; alg?: string; iss?: string; aud?: string; exp?: number | null; role?: string; sid?: string; account?: Account } = {}) {
    const account = options.account ?? stack.admin!;
    const live = decodeJwt(account.token);
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ role: options.role ?? account.role, sid: options.sid ?? live.sid })
      .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
      .setSubject(account.id)
      .setIssuer(options.iss ?? stack.config.auth.issuer)
      .setAudience(options.aud ?? stack.config.auth.audience)
      .setIssuedAt(now - 5);
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600);
    return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
  }

  function unsigned(alg: string, account: Account = stack.admin!) {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: account.id, role: 'admin', sid: decodeJwt(account.token).sid, iss: stack.config.auth.issuer, aud: stack.config.auth.audience, iat: now, exp: now + 600 };
    return `${b64({ alg, typ: 'JWT' })}.${b64(claims)}.`;
  }

  /** The answer to the token on a user route, an admin route and a document route, and at the socket handshake. */
  async function assertRefused(token: string, message: RegExp = /^the access token is not valid$/) {
    for (const path of ['/api/v1/auth/me', '/api/v1/admin/users', '/api/v1/documents']) {
      const res = await stack.fetch(path, { token });
      assert.equal(res.status, 401, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'unauthorized');
      assert.match(body.error.message, message, path);
    }
    assert.equal(await socketOutcome(token), 'unauthorized');
  }

  async function socketOutcome(token: string): Promise<string> {
    const socket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    try {
      return await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (err) => resolve(err.message));
      });
    } finally {
      socket.disconnect();
    }
  }

  it('accepts a token forged with the right secret and claims (so the refusals below are about one change each)', async () => {
    const res = await stack.fetch('/api/v1/auth/me', { token: await forge() });
    assert.equal(res.status, 200);
    assert.equal(await socketOutcome(await forge()), 'connected');
  });

  it('answers 401 to alg "none" (and "None", "NONE", empty signature)', async () => {
    const none = new UnsecuredJWT({ role: 'admin', sid: decodeJwt(stack.admin!.token).sid })
      .setSubject(stack.admin!.id)
      .setIssuer(stack.config.auth.issuer)
      .setAudience(stack.config.auth.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    for (const token of [none, unsigned('None'), unsigned('NONE'), unsigned('HS256')]) await assertRefused(token);
  });

  it('answers 401 to a token with the real signature but its header switched to alg none', async () => {
    const [, payload, signature] = stack.admin!.token.split('.');
    await assertRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`);
  });

  it('answers 401 to a token signed with a wrong secret', async () => {
    await assertRefused(await forge({ secret: randomBytes(48).toString('base64url') }));
  });

  it('answers 401 to a token signed with the right secret but another algorithm (HS512)', async () => {
    await assertRefused(await forge({ alg: 'HS512' }));
  });

  it('answers 401 to an expired token, saying so', async () => {
    await assertRefused(await forge({ exp: Math.floor(Date.now() / 1000) - 60 }), /^the access token has expired$/);
  });

  it('answers 401 to a token without an expiry', async () => {
    await assertRefused(await forge({ exp: null }));
  });

  it('answers 401 to a token for another audience or from another issuer', async () => {
    await assertRefused(await forge({ aud: 'some-other-api' }));
    await assertRefused(await forge({ iss: 'some-other-issuer' }));
  });

  it('answers 401 to a validly signed token for a session that does not exist', async () => {
    await assertRefused(await forge({ sid: randomUUID() }), /^the session has ended; sign in again$/);
  });

  it("answers 403 to a viewer's validly signed token that claims the admin role (the stored role counts)", async () => {
    const res = await stack.fetch('/api/v1/admin/users', { token: await forge({ account: viewer, role: 'admin' }) });
    assert.equal(res.status, 403);
  });

  describe('refresh token rotation', () => {
    const refresh = async (cookie: string) => {
      const res = await stack.fetch('/api/v1/auth/refresh', { method: 'POST', token: '', headers: { cookie } });
      return { status: res.status, body: (await res.json()) as SessionDto & { error?: { code: string } }, cookie: res.headers.get('set-cookie') ? cookieOf(res) : '' };
    };
    const me = async (token: string) => (await stack.fetch('/api/v1/auth/me', { token })).status;

    it('answers 401 to a refresh token used after rotation, and ends the whole session', async () => {
      const user = await stack.createUser('editor');
      const other = await signIn(user); // a second sign-in of the same user: another family
      const first = cookieOf(user.cookie);
      const rotated = await refresh(first);
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.cookie, first);
      assert.equal(await me(rotated.body.accessToken), 200);

      const reused = await refresh(first);
      assert.equal(reused.status, 401);
      assert.equal(reused.body.error!.code, 'unauthorized');
      assert.equal((await refresh(rotated.cookie)).status, 401, 'the newest refresh token still works');
      assert.equal(await me(rotated.body.accessToken), 401, 'the access token of the session still works');
      assert.equal(await me(user.token), 401, 'the first access token of the session still works');
      assert.equal(await socketOutcome(rotated.body.accessToken), 'unauthorized');

      assert.equal(await me(other.accessToken), 200, "the user's other session was ended too");
      const audit = (await (await stack.fetch('/api/v1/admin/audit?limit=50')).json()) as Page<AuditEntryDto>;
      assert.ok(audit.items.some((e) => e.action === 'auth.refresh_reused' && e.actorId === user.id));
    });

    it('sets the refresh token only as an httpOnly, Secure, SameSite=Strict cookie scoped to /api/v1/auth', async () => {
      const user = await stack.createUser('viewer');
      const res = await stack.fetch('/api/v1/auth/login', { method: 'POST', token: '', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: user.password }) });
      const setCookie = res.headers.get('set-cookie') ?? '';
      const attributes = setCookie.split(';').map((s) => s.trim().toLowerCase());
      for (const wanted of ['httponly', 'secure', 'samesite=strict', 'path=/api/v1/auth']) assert.ok(attributes.includes(wanted), `${wanted} missing: ${setCookie}`);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(!(await res.text()).includes(cookieOf(setCookie).slice('rag_refresh='.length)), 'the refresh token is in the body');
    });

    it('answers 401 to a refresh token that is malformed, unknown or missing', async () => {
      for (const cookie of ['rag_refresh=not-a-token', `rag_refresh=${randomBytes(32).toString('base64url')}`, '']) {
        const res = await refresh(cookie);
        assert.equal(res.status, 401, cookie);
      }
    });
  });

  async function signIn(account: Account): Promise<SessionDto> {
    const res = await stack.fetch('/api/v1/auth/login', { method: 'POST', token: '', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: account.email, password: account.password }) });
    assert.equal(res.status, 200);
    return (await res.json()) as SessionDto;
  }
});

/** `rag_refresh=<value>` from a Set-Cookie header (or a response carrying one). */
function cookieOf(from: string | Response): string {
  const header = typeof from === 'string' ? from : (from.headers.get('set-cookie') ?? '');
  const match = /rag_refresh=([^;]*)/.exec(header);
  assert.ok(match, `no refresh cookie in ${JSON.stringify(header)}`);
  return `rag_refresh=${match[1]}`;
}
