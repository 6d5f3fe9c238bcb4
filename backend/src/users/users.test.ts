import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UserDto } from '../contracts/auth.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('admin users API', () => {
  let t: SecurityTestApp;
  let admin: Awaited<ReturnType<SecurityTestApp['createUser']>>;
  let auth: { Authorization: string };

  before(async () => {
    t = await startSecurityTestApp();
    ({ user: admin, auth } = await t.signedIn('admin'));
  });
  after(() => t.close());

  const create = (body: object) => t.http().post('/api/v1/admin/users').set(auth).send(body);
  const patch = (id: string, body: object) => t.http().patch(`/api/v1/admin/users/${id}`).set(auth).send(body);

  it('creates a user who can sign in, answering the public fields only', async () => {
    const res = await create({ email: 'Grace@Example.org', name: 'Grace', role: 'editor', password: 'a perfectly fine passphrase' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['createdAt', 'disabled', 'email', 'id', 'lastLoginAt', 'name', 'role']);
    assert.equal(res.body.email, 'grace@example.org');
    const row = t.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(res.body.id) as { password_hash: string };
    assert.match(row.password_hash, /^\$argon2id\$/);
    await t.login('grace@example.org', 'a perfectly fine passphrase');
  });

  it('refuses a duplicate email (409), a short password, a bad role and extra fields (400)', async () => {
    assert.equal((await create({ email: 'GRACE@example.org', name: 'G2', role: 'viewer', password: 'a perfectly fine passphrase' })).status, 409);
    assert.equal((await create({ email: 'x1@example.org', name: 'X', role: 'viewer', password: 'short' })).status, 400);
    assert.equal((await create({ email: 'x2@example.org', name: 'X', role: 'root', password: 'a perfectly fine passphrase' })).status, 400);
    assert.equal((await create({ email: 'x3@example.org', name: 'X', role: 'viewer', password: 'a perfectly fine passphrase', disabled: false })).status, 400);
  });

  it('lists users with paging and never a hash', async () => {
    const res = await t.http().get('/api/v1/admin/users?limit=1&offset=0').set(auth);
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 1);
    assert.equal(res.body.limit, 1);
    assert.ok(res.body.total >= 2);
    const second = await t.http().get('/api/v1/admin/users?limit=1&offset=1').set(auth);
    assert.notEqual(second.body.items[0].id, res.body.items[0].id);
    assert.ok(!JSON.stringify(res.body).includes('argon2'));
  });

  it('changes a role and a name', async () => {
    const user = await t.createUser('viewer');
    const res = await patch(user.id, { role: 'editor', name: 'Renamed' });
    assert.equal(res.status, 200);
    assert.equal((res.body as UserDto).role, 'editor');
    assert.equal((res.body as UserDto).name, 'Renamed');
    assert.equal((await patch('no-such-user', { role: 'editor' })).status, 404);
  });

  it('disables a user: their sessions end and they cannot sign in; enabling lets them back', async () => {
    const user = await t.createUser('editor');
    const session = await t.login(user.email, user.password);
    assert.equal((await patch(user.id, { disabled: true })).body.disabled, true);
    assert.equal((await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${session.accessToken}`)).status, 401);
    assert.equal((await t.http().post('/api/v1/auth/refresh').set('Cookie', `rag_refresh=${session.refreshToken}`)).status, 401);
    assert.equal((await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password })).status, 401);
    await patch(user.id, { disabled: false });
    await t.login(user.email, user.password);
  });

  it('does not let the last active admin demote or disable themselves (409)', async () => {
    const demote = await patch(admin.id, { role: 'editor' });
    assert.equal(demote.status, 409);
    assert.equal((await patch(admin.id, { disabled: true })).status, 409);
    assert.equal(t.security.users.get(admin.id)!.role, 'admin');
  });

  it('lets an admin step down once another admin exists', async () => {
    const { user: other, auth: otherAuth } = await t.signedIn('admin');
    const res = await t.http().patch(`/api/v1/admin/users/${other.id}`).set(otherAuth).send({ role: 'viewer' });
    assert.equal(res.status, 200);
    assert.equal(res.body.role, 'viewer');
    assert.equal((await t.http().get('/api/v1/admin/users').set(otherAuth)).status, 403, 'the demoted admin kept admin rights');
  });
});
