import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEntryDto, Page } from '../contracts/admin.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('audit log', () => {
  let t: SecurityTestApp;
  let auth: { Authorization: string };
  let admin: Awaited<ReturnType<SecurityTestApp['createUser']>>;

  before(async () => {
    t = await startSecurityTestApp();
    ({ user: admin, auth } = await t.signedIn('admin', '10.2.0.1'));
  });
  after(() => t.close());

  const all = async (): Promise<AuditEntryDto[]> => (await t.http().get('/api/v1/admin/audit?limit=200').set(auth)).body.items;
  const find = async (action: string, target?: string) => (await all()).find((e) => e.action === action && (target === undefined || e.target === target));

  it('records a sign-in with who and from where', async () => {
    const entry = await find('auth.sign_in');
    assert.ok(entry);
    assert.equal(entry.actorId, admin.id);
    assert.equal(entry.actorEmail, admin.email);
    assert.equal(entry.ip, '10.2.0.1');
  });

  it('records a failed sign-in without the password', async () => {
    await t.http().post('/api/v1/auth/login').send({ email: admin.email, password: 'the-wrong-secret-123' });
    await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.org', password: 'the-wrong-secret-456' });
    const failures = (await all()).filter((e) => e.action === 'auth.sign_in_failed');
    assert.equal(failures.length, 2);
    assert.equal(failures.find((e) => e.actorId === admin.id)?.details.reason, 'wrong_credentials');
    assert.equal(failures.find((e) => e.actorId === null)?.details.email, 'nobody@example.org');
    const stored = JSON.stringify(t.db.prepare('SELECT * FROM audit_log').all());
    assert.ok(!stored.includes('the-wrong-secret'), 'a password reached the audit log');
  });

  it('records user creation, role change and disabling, with the admin who did it', async () => {
    const created = await t.http().post('/api/v1/admin/users').set(auth).send({ email: 'new.person@example.org', name: 'New Person', role: 'viewer', password: 'long enough password' });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    await t.http().patch(`/api/v1/admin/users/${id}`).set(auth).send({ role: 'editor' });
    await t.http().patch(`/api/v1/admin/users/${id}`).set(auth).send({ disabled: true });

    const made = await find('user.created', id);
    assert.equal(made?.actorId, admin.id);
    assert.equal(made?.details.role, 'viewer');
    assert.deepEqual((await find('user.role_changed', id))?.details, { from: 'viewer', to: 'editor' });
    assert.ok(await find('user.disabled', id));
    assert.ok(!JSON.stringify(await all()).includes('long enough password'));
  });

  it('records API key creation and revocation, never the secret', async () => {
    const key = await t.http().post('/api/v1/admin/api-keys').set(auth).send({ name: 'audited', scopes: ['query'] });
    await t.http().delete(`/api/v1/admin/api-keys/${key.body.id}`).set(auth);
    assert.deepEqual((await find('api_key.created', key.body.id))?.details.scopes, ['query']);
    assert.ok(await find('api_key.revoked', key.body.id));
    assert.ok(!JSON.stringify(await all()).includes(key.body.secret));
  });

  it('records a password change and a sign-out', async () => {
    const user = await t.createUser('viewer');
    const session = await t.login(user.email, user.password);
    await t.http().post('/api/v1/auth/password').set('Authorization', `Bearer ${session.accessToken}`).send({ currentPassword: user.password, newPassword: 'another long passphrase' });
    await t.http().post('/api/v1/auth/logout').set('Cookie', `rag_refresh=${session.refreshToken}`);
    assert.equal((await find('auth.password_changed', user.id))?.actorId, user.id);
    assert.equal((await all()).find((e) => e.action === 'auth.sign_out' && e.actorId === user.id)?.actorEmail, user.email);
  });

  it('drops secret-looking details even if a caller passes them', () => {
    t.security.audit.record({ actor: null, action: 'settings.updated', details: { password: 'p', apiToken: 't', kept: 1 } });
    const row = t.db.prepare("SELECT details FROM audit_log WHERE action = 'settings.updated' ORDER BY id DESC LIMIT 1").get() as { details: string };
    assert.deepEqual(JSON.parse(row.details), { kept: 1 });
  });

  it('pages the list newest first with limit, offset and total', async () => {
    const full = (await t.http().get('/api/v1/admin/audit?limit=200').set(auth)).body as Page<AuditEntryDto>;
    assert.ok(full.total >= 6);
    const ids = full.items.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));

    const page = (await t.http().get('/api/v1/admin/audit?limit=2&offset=1').set(auth)).body as Page<AuditEntryDto>;
    assert.equal(page.limit, 2);
    assert.equal(page.offset, 1);
    assert.equal(page.total, full.total);
    assert.deepEqual(page.items.map((e) => e.id), ids.slice(1, 3));
  });

  it('rejects a bad page query (400)', async () => {
    assert.equal((await t.http().get('/api/v1/admin/audit?limit=0').set(auth)).status, 400);
    assert.equal((await t.http().get('/api/v1/admin/audit?limit=5000').set(auth)).status, 400);
    assert.equal((await t.http().get('/api/v1/admin/audit?sort=evil').set(auth)).status, 400);
  });

  it('names what each id stands for, and narrows the log by action, by who did it and by time', async () => {
    const created = await t.http().post('/api/v1/admin/users').set(auth).send({ email: 'filtered@example.org', name: 'Filtered', role: 'viewer', password: 'long enough password' });
    const id = created.body.id as string;
    const made = await find('user.created', id);
    assert.equal(made?.targetName, 'filtered@example.org');

    const get = async (query: string) => (await t.http().get(`/api/v1/admin/audit?limit=200&${query}`).set(auth)).body as Page<AuditEntryDto>;
    const byAction = await get('action=user.created');
    assert.ok(byAction.items.length >= 1 && byAction.items.every((e) => e.action === 'user.created'));
    assert.equal(byAction.total, byAction.items.length);
    const byActor = await get(`actorId=${admin.id}`);
    assert.ok(byActor.items.length > 0 && byActor.items.every((e) => e.actorId === admin.id));
    const at = made!.at;
    const window = await get(`from=${encodeURIComponent(at)}&to=${encodeURIComponent(new Date(Date.parse(at) + 1).toISOString())}`);
    assert.ok(window.items.some((e) => e.id === made!.id) && window.items.every((e) => e.at === at), JSON.stringify(window.items.map((e) => e.at)));
    assert.equal((await get('from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z')).total, 0);
    // A local time with its offset means the same instant.
    const local = new Date(Date.parse(at)).toISOString().replace('Z', '+00:00');
    assert.ok((await get(`from=${encodeURIComponent(local)}`)).items.some((e) => e.id === made!.id));

    const actions = (await t.http().get('/api/v1/admin/audit/actions').set(auth)).body as { items: string[] };
    assert.ok(actions.items.includes('user.created') && actions.items.includes('auth.sign_in'));
    const bad = await t.http().get('/api/v1/admin/audit?from=yesterday').set(auth);
    assert.equal(bad.status, 400);
  });
});

