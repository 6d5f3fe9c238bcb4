import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { hashToken, loadOrCreateSecret } from './auth.tokens.ts';
import { refreshCookieOf, startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('sign-in, sessions and access tokens over HTTP', () => {
  let t: SecurityTestApp;
  let secret: Uint8Array;

  before(async () => {
    t = await startSecurityTestApp();
    secret = new TextEncoder().encode(loadOrCreateSecret(t.dataDir));
  });
  after(() => t.close());

  const me = (token: string) => t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const refresh = (token: string | undefined) => t.http().post('/api/v1/auth/refresh').set('Cookie', `rag_refresh=${token}`);

  describe('sign-in', () => {
    it('signs in with the right password and answers a session with the user, never the hash', async () => {
      const user = await t.createUser('editor');
      const res = await t.http().post('/api/v1/auth/login').send({ email: user.email.toUpperCase(), password: user.password });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(typeof res.body.accessToken, 'string');
      assert.equal(res.body.expiresIn, 900);
      assert.deepEqual(Object.keys(res.body.user).sort(), ['createdAt', 'disabled', 'email', 'id', 'lastLoginAt', 'name', 'role']);
      assert.equal(res.body.user.id, user.id);
      assert.ok(res.body.user.lastLoginAt);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(!JSON.stringify(res.body).includes('argon2'));
    });

    it('sets the refresh token as an httpOnly, Secure, SameSite=Strict cookie scoped to /api/v1/auth', async () => {
      const user = await t.createUser('viewer');
      const { res } = await t.login(user.email, user.password);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rag_refresh='))!;
      assert.ok(cookie, 'no rag_refresh cookie');
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; Secure/i);
      assert.match(cookie, /; SameSite=Strict/i);
      assert.match(cookie, /; Path=\/api\/v1\/auth(;|$)/);
      assert.match(cookie, /; Max-Age=604800/);
    });

    it('stores refresh tokens only as SHA-256 hashes', async () => {
      const user = await t.createUser('viewer');
      const { refreshToken } = await t.login(user.email, user.password);
      const rows = t.db.prepare('SELECT token_hash FROM refresh_tokens WHERE user_id = ?').all(user.id) as { token_hash: string }[];
      assert.deepEqual(rows.map((r) => r.token_hash), [hashToken(refreshToken!)]);
      const dump = JSON.stringify(t.db.prepare('SELECT * FROM refresh_tokens').all());
      assert.ok(!dump.includes(refreshToken!));
    });

    it('answers a wrong password and an unknown email with the same status and error', async () => {
      const user = await t.createUser('viewer');
      const wrong = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.1.0.1').send({ email: user.email, password: 'not the password at all' });
      const unknown = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.1.0.2').send({ email: 'nobody@example.org', password: 'not the password at all' });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(refreshCookieOf(wrong), undefined);
    });

    it('refuses a disabled user even with the right password', async () => {
      const user = await t.createUser('editor');
      t.security.usersService.update(user.id, { disabled: true }, { actor: null, ip: null });
      const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      assert.equal(res.status, 401);
      assert.equal(refreshCookieOf(res), undefined);
    });

    it('rejects a body with unknown keys or a non-string password (400)', async () => {
      const extra = await t.http().post('/api/v1/auth/login').send({ email: 'a@example.org', password: 'x', role: 'admin' });
      assert.equal(extra.status, 400);
      const object = await t.http().post('/api/v1/auth/login').send({ email: 'a@example.org', password: { $ne: null } });
      assert.equal(object.status, 400);
    });
  });

  describe('access tokens', () => {
    let user: Awaited<ReturnType<SecurityTestApp['createUser']>>;
    let sessionId: string;
    before(async () => {
      user = await t.createUser('editor');
      const { accessToken } = await t.login(user.email, user.password);
      sessionId = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid;
    });

    const forge = (claims: { alg?: string; key?: Uint8Array; iss?: string; aud?: string; exp?: number | string }) =>
      new SignJWT({ role: 'admin', sid: sessionId })
        .setProtectedHeader({ alg: claims.alg ?? 'HS256' })
        .setSubject(user.id)
        .setIssuer(claims.iss ?? t.config.auth.issuer)
        .setAudience(claims.aud ?? t.config.auth.audience)
        .setIssuedAt()
        .setExpirationTime(claims.exp ?? '5m')
        .sign(claims.key ?? secret);

    it('accepts a token it signed itself (the control for the cases below)', async () => {
      const res = await me(await forge({}));
      assert.equal(res.status, 200);
      assert.equal(res.body.id, user.id);
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const token = new UnsecuredJWT({ role: 'admin', sid: sessionId }).setSubject(user.id).setIssuer(t.config.auth.issuer).setAudience(t.config.auth.audience).setIssuedAt().setExpirationTime('5m').encode();
      const res = await me(token);
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    });

    it('refuses a token signed with another secret', async () => {
      assert.equal((await me(await forge({ key: new TextEncoder().encode('x'.repeat(48)) }))).status, 401);
    });

    it('refuses a token signed with another HMAC algorithm (HS512)', async () => {
      assert.equal((await me(await forge({ alg: 'HS512' }))).status, 401);
    });

    it('refuses an expired token', async () => {
      const res = await me(await forge({ exp: Math.floor(Date.now() / 1000) - 60 }));
      assert.equal(res.status, 401);
      assert.match(res.body.error.message, /expired/);
    });

    it('refuses a token for another audience', async () => {
      assert.equal((await me(await forge({ aud: 'someone-else' }))).status, 401);
    });

    it('refuses a token from another issuer', async () => {
      assert.equal((await me(await forge({ iss: 'https://evil.example' }))).status, 401);
    });

    it('refuses a missing header, another scheme, and garbage', async () => {
      assert.equal((await t.http().get('/api/v1/auth/me')).status, 401);
      assert.equal((await t.http().get('/api/v1/auth/me').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)).status, 401);
      assert.equal((await me('not.a.jwt')).status, 401);
    });

    it('uses the role stored now, not the role in the token', async () => {
      const viewer = await t.createUser('viewer');
      const { accessToken } = await t.login(viewer.email, viewer.password);
      const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString());
      const escalated = await new SignJWT({ ...payload, role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      assert.equal((await t.http().get('/api/v1/probe/admin').set('Authorization', `Bearer ${escalated}`)).status, 403);
    });
  });

  describe('refresh and sign-out', () => {
    it('rotates the refresh token on every refresh and gives a working access token', async () => {
      const user = await t.createUser('viewer');
      const first = await t.login(user.email, user.password);
      const res = await refresh(first.refreshToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const second = refreshCookieOf(res);
      assert.ok(second && second !== first.refreshToken);
      assert.equal((await me(res.body.accessToken)).status, 200);
      const third = await refresh(second);
      assert.equal(third.status, 200);
    });

    it('treats a rotated token presented again as stolen: 401, and the whole family is revoked', async () => {
      const user = await t.createUser('viewer');
      const first = await t.login(user.email, user.password);
      const rotated = await refresh(first.refreshToken);
      const newest = refreshCookieOf(rotated)!;
      const newestAccess = rotated.body.accessToken as string;

      const reuse = await refresh(first.refreshToken);
      assert.equal(reuse.status, 401);
      assert.equal((await refresh(newest)).status, 401, 'the newest refresh token still works');
      assert.equal((await me(newestAccess)).status, 401, 'the newest access token still works');
      const live = t.db.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL').get(user.id) as { n: number };
      assert.equal(live.n, 0);
    });

    it('keeps other sign-ins of the same user working when one family is revoked', async () => {
      const user = await t.createUser('viewer');
      const laptop = await t.login(user.email, user.password);
      const phone = await t.login(user.email, user.password);
      await refresh(laptop.refreshToken);
      await refresh(laptop.refreshToken); // reuse: the laptop's family ends
      assert.equal((await me(phone.accessToken)).status, 200);
      assert.equal((await refresh(phone.refreshToken)).status, 200);
    });

    it('refuses a refresh without a cookie, or with an unknown token', async () => {
      assert.equal((await t.http().post('/api/v1/auth/refresh')).status, 401);
      assert.equal((await refresh('A'.repeat(43))).status, 401);
    });

    it('refuses to refresh for a user disabled since signing in', async () => {
      const user = await t.createUser('editor');
      const session = await t.login(user.email, user.password);
      t.security.usersService.update(user.id, { disabled: true }, { actor: null, ip: null });
      assert.equal((await refresh(session.refreshToken)).status, 401);
      assert.equal((await me(session.accessToken)).status, 401);
    });

    it('signs out: clears the cookie, and neither the refresh token nor the access token works after', async () => {
      const user = await t.createUser('viewer');
      const session = await t.login(user.email, user.password);
      const out = await t.http().post('/api/v1/auth/logout').set('Cookie', `rag_refresh=${session.refreshToken}`);
      assert.equal(out.status, 204);
      const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).find((c) => c.startsWith('rag_refresh='));
      assert.match(cleared ?? '', /^rag_refresh=;.*Expires=Thu, 01 Jan 1970/);
      assert.equal((await refresh(session.refreshToken)).status, 401);
      assert.equal((await me(session.accessToken)).status, 401);
    });

    it('answers 204 to a sign-out without a session', async () => {
      assert.equal((await t.http().post('/api/v1/auth/logout')).status, 204);
    });
  });

  describe('password change', () => {
    it('changes the password and ends every other session, keeping the current one', async () => {
      const user = await t.createUser('editor');
      const current = await t.login(user.email, user.password);
      const other = await t.login(user.email, user.password);
      const res = await t.http().post('/api/v1/auth/password').set('Authorization', `Bearer ${current.accessToken}`).send({ currentPassword: user.password, newPassword: 'a brand new passphrase' });
      assert.equal(res.status, 204, JSON.stringify(res.body));

      assert.equal((await me(other.accessToken)).status, 401, 'the other access token still works');
      assert.equal((await refresh(other.refreshToken)).status, 401, 'the other refresh token still works');
      assert.equal((await me(current.accessToken)).status, 200);
      assert.equal((await refresh(current.refreshToken)).status, 200);

      const oldPassword = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      assert.equal(oldPassword.status, 401);
      await t.login(user.email, 'a brand new passphrase');
    });

    it('refuses a wrong current password (400) and a short new one (400)', async () => {
      const user = await t.createUser('viewer');
      const { accessToken } = await t.login(user.email, user.password);
      const wrong = await t.http().post('/api/v1/auth/password').set('Authorization', `Bearer ${accessToken}`).send({ currentPassword: 'not it at all', newPassword: 'a brand new passphrase' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'wrong_password');
      const short = await t.http().post('/api/v1/auth/password').set('Authorization', `Bearer ${accessToken}`).send({ currentPassword: user.password, newPassword: 'short' });
      assert.equal(short.status, 400);
      await t.login(user.email, user.password);
    });

    it('needs a signed-in user', async () => {
      const res = await t.http().post('/api/v1/auth/password').send({ currentPassword: 'x', newPassword: 'a brand new passphrase' });
      assert.equal(res.status, 401);
    });
  });
});
