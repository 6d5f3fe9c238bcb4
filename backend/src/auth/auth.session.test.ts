import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { refreshCookieOf, startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('restoring the session on page load', () => {
  let t: SecurityTestApp;

  before(async () => {
    t = await startSecurityTestApp();
  });
  after(() => t.close());

  const restore = (cookie?: string) => {
    const req = t.http().post('/api/v1/auth/session');
    return cookie === undefined ? req : req.set('Cookie', `rag_refresh=${cookie}`);
  };

  it('answers 200 "signed out" without a cookie: a first visit is not an error', async () => {
    const res = await restore();
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { signedIn: false });
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('restores a session from a valid cookie and rotates it, like a refresh', async () => {
    const user = await t.createUser('editor');
    const { refreshToken } = await t.login(user.email, user.password);
    const res = await restore(refreshToken);
    assert.equal(res.status, 200);
    assert.equal(res.body.signedIn, true);
    assert.equal(res.body.user.email, user.email);
    assert.ok(res.body.accessToken);
    const next = refreshCookieOf(res);
    assert.ok(next && next !== refreshToken, 'the refresh token was not rotated');
    assert.equal((await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`)).status, 200);

    // The old token is spent: presenting it again ends the session, and the answer is still "signed out", not an error.
    const replay = await restore(refreshToken);
    assert.deepEqual(replay.body, { signedIn: false });
    assert.match(String(replay.headers['set-cookie']), /rag_refresh=;/, 'the dead cookie is cleared');
    assert.deepEqual((await restore(next)).body, { signedIn: false }, 'the stolen family stays ended');
  });

  it('still answers an explicit refresh without a cookie with 401', async () => {
    assert.equal((await t.http().post('/api/v1/auth/refresh')).status, 401);
  });
});
