import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../auth/auth.tokens.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('API keys', () => {
  let t: SecurityTestApp;
  let admin: Awaited<ReturnType<SecurityTestApp['signedIn']>>;

  before(async () => {
    t = await startSecurityTestApp();
    admin = await t.signedIn('admin');
  });
  after(() => t.close());

  const asAdmin = {
    post: (url: string, body: object) => t.http().post(url).set(admin.auth).send(body),
    get: (url: string) => t.http().get(url).set(admin.auth),
    delete: (url: string) => t.http().delete(url).set(admin.auth),
  };
  const withKey = (url: string, secret: string) => t.http().get(url).set('Authorization', `Bearer ${secret}`);

  it('shows the secret once, on creation, with its prefix and scopes', async () => {
    const res = await asAdmin.post('/api/v1/admin/api-keys', { name: 'indexer', scopes: ['ingest', 'ingest'] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.secret, /^rag_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.prefix, res.body.secret.slice(0, 12));
    assert.deepEqual(res.body.scopes, ['ingest']);
    assert.equal(res.body.ownerId, admin.user.id);
    assert.equal(res.headers['cache-control'], 'no-store');

    const list = await asAdmin.get('/api/v1/admin/api-keys');
    const listed = list.body.items.find((k: { id: string }) => k.id === res.body.id);
    assert.ok(listed);
    assert.equal(listed.secret, undefined);
    assert.ok(!JSON.stringify(list.body).includes(res.body.secret));
    assert.ok(!JSON.stringify(list.body).includes(hashToken(res.body.secret)), 'the hash is listed');
  });

  it('stores only the SHA-256 of the secret', async () => {
    const { body } = await asAdmin.post('/api/v1/admin/api-keys', { name: 'hash-check', scopes: ['query'] });
    const row = t.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(body.id) as Record<string, unknown>;
    assert.equal(row.key_hash, hashToken(body.secret));
    assert.ok(!JSON.stringify(row).includes(body.secret.slice(12)));
  });

  it('authenticates with its scopes and records when it was last used, at most once a minute', async () => {
    const { body } = await asAdmin.post('/api/v1/admin/api-keys', { name: 'bot', scopes: ['query'] });
    const ok = await withKey('/api/v1/probe/chat', body.secret);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.kind, 'apiKey');
    assert.equal((await withKey('/api/v1/probe/documents-write', body.secret)).status, 403);
    const first = (t.db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').get(body.id) as { last_used_at: string | null }).last_used_at;
    assert.ok(first);
    await withKey('/api/v1/probe/chat', body.secret);
    const second = (t.db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').get(body.id) as { last_used_at: string | null }).last_used_at;
    assert.equal(second, first);
  });

  it('stops working the moment it is revoked (401), and stays listed as revoked', async () => {
    const { body } = await asAdmin.post('/api/v1/admin/api-keys', { name: 'temp', scopes: ['query'] });
    assert.equal((await withKey('/api/v1/probe/chat', body.secret)).status, 200);
    const revoked = await asAdmin.delete(`/api/v1/admin/api-keys/${body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal(revoked.body.secret, undefined);
    assert.equal((await withKey('/api/v1/probe/chat', body.secret)).status, 401);
    assert.equal((await asAdmin.delete('/api/v1/admin/api-keys/nope')).status, 404);
  });

  it('stops working once expired (401)', async () => {
    const { body } = await asAdmin.post('/api/v1/admin/api-keys', { name: 'short-lived', scopes: ['query'], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    assert.equal((await withKey('/api/v1/probe/chat', body.secret)).status, 200);
    t.db.prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - 1000).toISOString(), body.id);
    const res = await withKey('/api/v1/probe/chat', body.secret);
    assert.equal(res.status, 401);
    assert.match(res.body.error.message, /expired/);
  });

  it('refuses an expiry in the past and scopes the owner cannot use', async () => {
    const past = await asAdmin.post('/api/v1/admin/api-keys', { name: 'x', scopes: ['query'], expiresAt: '2001-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    const viewer = await t.createUser('viewer');
    const adminScope = await asAdmin.post('/api/v1/admin/api-keys', { name: 'x', scopes: ['admin'], ownerId: viewer.id });
    assert.equal(adminScope.status, 400);
    assert.equal(adminScope.body.error.code, 'invalid_scope');
  });

  it("lets an admin make and revoke another user's key; it stops working when the owner is disabled", async () => {
    const editor = await t.createUser('editor');
    const { body } = await asAdmin.post('/api/v1/admin/api-keys', { name: 'for-editor', scopes: ['ingest'], ownerId: editor.id });
    assert.equal(body.ownerId, editor.id);
    assert.equal((await withKey('/api/v1/probe/documents-write', body.secret)).status, 200);
    const mine = await asAdmin.get(`/api/v1/admin/api-keys?ownerId=${editor.id}`);
    assert.deepEqual(mine.body.items.map((k: { id: string }) => k.id), [body.id]);

    t.security.usersService.update(editor.id, { disabled: true }, { actor: null, ip: null });
    assert.equal((await withKey('/api/v1/probe/documents-write', body.secret)).status, 401);
    t.security.usersService.update(editor.id, { disabled: false }, { actor: null, ip: null });
    assert.equal((await withKey('/api/v1/probe/documents-write', body.secret)).status, 200);
  });

  it('refuses a made-up key of the right shape, and one of the wrong shape', async () => {
    assert.equal((await withKey('/api/v1/probe/chat', `rag_${'A'.repeat(43)}`)).status, 401);
    assert.equal((await withKey('/api/v1/probe/chat', 'rag_short')).status, 401);
  });

  it('keeps key management to admins', async () => {
    const editor = await t.signedIn('editor');
    const res = await t.http().post('/api/v1/admin/api-keys').set(editor.auth).send({ name: 'x', scopes: ['query'] });
    assert.equal(res.status, 403);
  });
});
