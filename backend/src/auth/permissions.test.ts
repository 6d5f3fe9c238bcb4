import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiKeyScope, UserRole } from '../contracts/auth.ts';
import { PERMISSIONS, type Permission } from '../contracts/auth.ts';
import { permissionsFor } from './permissions.ts';
import { probePath, startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

// Who may do what: the table the product promises.
const ROLE_MATRIX: Record<UserRole, Permission[]> = {
  viewer: ['chat', 'documents:read'],
  editor: ['chat', 'documents:read', 'documents:write', 'documents:delete'],
  admin: ['chat', 'documents:read', 'documents:write', 'documents:delete', 'admin'],
};
const KEY_MATRIX: { role: UserRole; scopes: ApiKeyScope[]; allowed: Permission[] }[] = [
  { role: 'admin', scopes: ['query'], allowed: ['chat', 'documents:read'] },
  { role: 'admin', scopes: ['ingest'], allowed: ['documents:read', 'documents:write'] },
  { role: 'admin', scopes: ['admin'], allowed: ['admin', 'documents:read', 'documents:delete'] },
  { role: 'admin', scopes: ['query', 'ingest', 'admin'], allowed: ['chat', 'documents:read', 'documents:write', 'documents:delete', 'admin'] },
  // A key never gives more than its owner's role.
  { role: 'viewer', scopes: ['query'], allowed: ['chat', 'documents:read'] },
  { role: 'editor', scopes: ['query', 'ingest'], allowed: ['chat', 'documents:read', 'documents:write'] },
];

describe('permissions', () => {
  it('narrows a role by scopes, never widening it', () => {
    assert.deepEqual(permissionsFor('viewer', ['admin']), []);
    // A key kept after its owner was demoted: the scopes the role cannot own give nothing.
    assert.deepEqual(permissionsFor('viewer', ['query', 'ingest']), ['chat', 'documents:read']);
    assert.deepEqual(permissionsFor('editor', ['admin']), []);
    assert.deepEqual(permissionsFor('editor', ['ingest']), ['documents:read', 'documents:write']);
    assert.deepEqual(permissionsFor('admin'), ['chat', 'documents:read', 'documents:write', 'documents:delete', 'admin']);
    // An ingest key adds documents; it never removes them, whoever owns it.
    assert.deepEqual(permissionsFor('admin', ['ingest']), ['documents:read', 'documents:write']);
  });

  describe('over HTTP', () => {
    let t: SecurityTestApp;
    const sessions = {} as Record<UserRole, string>;
    const keyOwners = {} as Record<UserRole, string>;

    before(async () => {
      t = await startSecurityTestApp();
      for (const role of ['viewer', 'editor', 'admin'] as const) {
        const user = await t.createUser(role);
        keyOwners[role] = user.id;
        sessions[role] = (await t.login(user.email, user.password)).accessToken;
      }
    });
    after(() => t.close());

    const probe = (permission: Permission, bearer: string) => t.http().get(`/api/v1/probe/${probePath(permission)}`).set('Authorization', `Bearer ${bearer}`);

    for (const role of ['viewer', 'editor', 'admin'] as const) {
      it(`lets a signed-in ${role} do exactly ${ROLE_MATRIX[role].join(', ')} (403 for the rest)`, async () => {
        for (const permission of PERMISSIONS) {
          const res = await probe(permission, sessions[role]);
          assert.equal(res.status, ROLE_MATRIX[role].includes(permission) ? 200 : 403, `${role} / ${permission}`);
        }
      });
    }

    for (const row of KEY_MATRIX) {
      it(`lets a ${row.role}'s key with scopes ${row.scopes.join('+')} do exactly ${row.allowed.join(', ')}`, async () => {
        const key = t.security.apiKeys.create({ name: 'k', scopes: row.scopes, ownerId: keyOwners[row.role] }, { actor: { ...(await adminPrincipal()) }, ip: null });
        for (const permission of PERMISSIONS) {
          const res = await probe(permission, key.secret);
          assert.equal(res.status, row.allowed.includes(permission) ? 200 : 403, `${row.scopes.join('+')} / ${permission}`);
          if (res.status === 200) assert.equal(res.body.kind, 'apiKey');
        }
      });
    }

    it('keeps the admin routes to admins: 403 for an editor, 401 without credentials', async () => {
      for (const route of ['/api/v1/admin/users', '/api/v1/admin/api-keys', '/api/v1/admin/audit', '/api/v1/admin/settings']) {
        assert.equal((await t.http().get(route).set('Authorization', `Bearer ${sessions.editor}`)).status, 403, route);
        assert.equal((await t.http().get(route)).status, 401, route);
        assert.equal((await t.http().get(route).set('Authorization', `Bearer ${sessions.admin}`)).status, 200, route);
      }
    });

    it('refuses API keys where a role is required, even an admin key', async () => {
      const key = t.security.apiKeys.create({ name: 'k', scopes: ['admin', 'query', 'ingest'], ownerId: keyOwners.admin }, { actor: await adminPrincipal(), ip: null });
      assert.equal((await t.http().get('/api/v1/probe/role/admin').set('Authorization', `Bearer ${key.secret}`)).status, 403);
      assert.equal((await t.http().get('/api/v1/probe/role/admin').set('Authorization', `Bearer ${sessions.admin}`)).status, 200);
      assert.equal((await t.http().get('/api/v1/probe/role/admin').set('Authorization', `Bearer ${sessions.editor}`)).status, 403);
    });

    async function adminPrincipal() {
      return t.security.authenticator.verifyAccessToken(sessions.admin);
    }
  });
});
