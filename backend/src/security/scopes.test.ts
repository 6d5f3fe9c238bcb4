import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { API_KEY_SCOPES, ROLES, type ApiKeyScope, type CreatedApiKeyDto, type UserRole } from '../contracts/auth.ts';
import { scopeUsableBy } from '../auth/permissions.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';

// The README's route table says who may call each route; this file holds it to that, for every
// role and every API key scope, against every route the api defines.

const SRC = path.resolve(import.meta.dirname, '..');
const README = path.resolve(SRC, '../../README.md');
const GHOST = randomUUID();

/** Where each router is mounted (app.ts and auth/security.ts). A new router file must be added here. */
const MOUNTS: Record<string, string> = {
  'health/health.routes.ts': '',
  'metrics/metrics.routes.ts': '',
  'auth/auth.routes.ts': '/api/v1/auth',
  'users/users.routes.ts': '/api/v1/admin/users',
  'api-keys/api-keys.routes.ts': '/api/v1/admin/api-keys',
  'audit/audit.routes.ts': '/api/v1/admin/audit',
  'settings/settings.routes.ts': '/api/v1/admin/settings',
  'admin/admin.routes.ts': '/api/v1/admin',
  'documents/documents.routes.ts': '/api/v1/documents',
  'collections/collections.routes.ts': '/api/v1/collections',
  'chat/chat.routes.ts': '/api/v1',
};

interface RouteProbe {
  /** The route as defined, e.g. `DELETE /api/v1/documents/:id`. */
  route: string;
  /** The README row that documents it: the first code span of its route cell. */
  row: string;
  /** A request that passes authorization and then harms nothing (unknown ids, invalid bodies). */
  path: string;
  body?: unknown;
}

const probe = (route: string, row: string, concrete?: string, body?: unknown): RouteProbe => ({ route, row, path: concrete ?? route.split(' ')[1]!.replace(':id', GHOST), body });
const ADMIN_ROW = '/api/v1/admin/users';

const PROBES: RouteProbe[] = [
  probe('POST /api/v1/auth/login', 'POST /api/v1/auth/login', undefined, {}),
  probe('POST /api/v1/auth/refresh', 'POST /api/v1/auth/login'),
  probe('POST /api/v1/auth/logout', 'POST /api/v1/auth/login'),
  probe('POST /api/v1/auth/session', 'POST /api/v1/auth/session'),
  probe('GET /api/v1/auth/me', 'GET /api/v1/auth/me'),
  probe('POST /api/v1/auth/password', 'POST /api/v1/auth/password', undefined, {}),
  probe('POST /api/v1/documents', 'POST /api/v1/documents', undefined, {}),
  probe('GET /api/v1/documents', 'GET /api/v1/documents'),
  probe('GET /api/v1/documents/:id', 'GET /api/v1/documents/:id'),
  probe('GET /api/v1/documents/:id/file', 'GET /api/v1/documents/:id/file'),
  probe('POST /api/v1/documents/:id/file-link', 'POST /api/v1/documents/:id/file-link'),
  probe('GET /api/v1/documents/:id/file/:name', 'GET /api/v1/documents/:id/file/:name', `/api/v1/documents/${GHOST}/file/x.pdf?expires=1&signature=x`),
  probe('GET /api/v1/documents/:id/chunks', 'GET /api/v1/documents/:id/chunks'),
  probe('DELETE /api/v1/documents/:id', 'DELETE /api/v1/documents/:id'),
  probe('POST /api/v1/documents/:id/retry', 'POST /api/v1/documents/:id/retry'),
  probe('POST /api/v1/chat', 'POST /api/v1/chat', undefined, {}),
  probe('GET /api/v1/chat/limits', 'GET /api/v1/chat/limits'),
  probe('GET /api/v1/conversations', 'GET/PATCH/DELETE /api/v1/conversations[/:id]'),
  probe('GET /api/v1/conversations/:id', 'GET/PATCH/DELETE /api/v1/conversations[/:id]'),
  probe('PATCH /api/v1/conversations/:id', 'GET/PATCH/DELETE /api/v1/conversations[/:id]', undefined, { title: 'x' }),
  probe('DELETE /api/v1/conversations/:id', 'GET/PATCH/DELETE /api/v1/conversations[/:id]'),
  probe(
    'PUT /api/v1/conversations/:id/messages/:messageId/feedback',
    'PUT /api/v1/conversations/:id/messages/:messageId/feedback',
    `/api/v1/conversations/${GHOST}/messages/${GHOST}/feedback`,
    { rating: 'up' },
  ),
  probe('GET /api/v1/admin/feedback', ADMIN_ROW),
  probe('GET /api/v1/admin/feedback/export', 'GET /api/v1/admin/feedback/export'),
  probe('GET /api/v1/collections', 'GET /api/v1/collections[/:id]'),
  probe('GET /api/v1/collections/:id', 'GET /api/v1/collections[/:id]', '/api/v1/collections/default'),
  probe('POST /api/v1/collections', 'POST/PATCH/DELETE /api/v1/collections[/:id]', undefined, {}),
  probe('PATCH /api/v1/collections/:id', 'POST/PATCH/DELETE /api/v1/collections[/:id]', undefined, { name: 'x' }),
  probe('DELETE /api/v1/collections/:id', 'POST/PATCH/DELETE /api/v1/collections[/:id]'),
  probe('PUT /api/v1/collections/:id/members', 'POST/PATCH/DELETE /api/v1/collections[/:id]', undefined, { userIds: [] }),
  probe('GET /api/v1/admin/users', ADMIN_ROW),
  probe('POST /api/v1/admin/users', ADMIN_ROW, undefined, {}),
  probe('GET /api/v1/admin/users/:id', ADMIN_ROW),
  probe('PATCH /api/v1/admin/users/:id', ADMIN_ROW, undefined, {}),
  probe('POST /api/v1/admin/users/:id/unlock', 'POST /api/v1/admin/users/:id/unlock'),
  probe('GET /api/v1/admin/api-keys', ADMIN_ROW),
  probe('POST /api/v1/admin/api-keys', ADMIN_ROW, undefined, {}),
  probe('DELETE /api/v1/admin/api-keys/:id', ADMIN_ROW),
  probe('GET /api/v1/admin/audit', ADMIN_ROW),
  probe('GET /api/v1/admin/audit/actions', ADMIN_ROW),
  probe('GET /api/v1/admin/settings', ADMIN_ROW),
  probe('PUT /api/v1/admin/settings', ADMIN_ROW, undefined, { topK: 'many' }),
  probe('GET /api/v1/admin/status', ADMIN_ROW),
  probe('GET /api/v1/admin/models', ADMIN_ROW),
  probe('POST /api/v1/admin/reindex', ADMIN_ROW),
  probe('GET /health', 'GET /health'),
  probe('GET /ready', 'GET /ready'),
  probe('GET /metrics', 'GET /metrics'),
];

/** Who the README lets call a row: `anyone`, or roles then `keys:` scopes. */
interface Who {
  anyone: boolean;
  roles: UserRole[];
  scopes: ApiKeyScope[];
}

function readmeRows(): Map<string, Who> {
  const rows = new Map<string, Who>();
  const text = fs.readFileSync(README, 'utf8');
  const table = text.slice(text.indexOf('| route | who | what it does |'));
  for (const line of table.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [routeCell = '', whoCell = ''] = line.slice(1).split(' | ');
    const row = /`([^`]+)`/.exec(routeCell)?.[1];
    if (!row) continue;
    const who = whoCell.trim();
    if (who === 'anyone') {
      rows.set(row, { anyone: true, roles: [], scopes: [] });
      continue;
    }
    const [rolePart = '', keyPart = ''] = who.split(';');
    const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
    const roles = list(rolePart);
    const scopes = list(keyPart.replace(/^\s*keys:/, ''));
    for (const r of roles) assert.ok((ROLES as readonly string[]).includes(r), `README row ${row}: "${r}" is not a role`);
    for (const s of scopes) assert.ok((API_KEY_SCOPES as readonly string[]).includes(s), `README row ${row}: "${s}" is not a key scope`);
    rows.set(row, { anyone: false, roles: roles as UserRole[], scopes: scopes as ApiKeyScope[] });
  }
  return rows;
}

/** Every `router.<method>('<path>'` in the route files, with its mount point. */
function definedRoutes(): string[] {
  const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.routes.ts'));
  const routes: string[] = [];
  for (const file of files) {
    const mount = MOUNTS[file.split(path.sep).join('/')];
    assert.ok(mount !== undefined, `${file} is not in MOUNTS of scopes.test.ts: add its routes to the README table and here`);
    const source = fs.readFileSync(path.join(SRC, file), 'utf8');
    for (const [, method, route] of source.matchAll(/router\.(get|post|put|patch|delete)\(\s*'([^']*)'/g)) {
      routes.push(`${method!.toUpperCase()} ${mount}${route === '/' ? '' : route}`);
    }
  }
  return routes;
}

interface Caller {
  label: string;
  token: string;
  /** What the README allows this caller on a row. */
  allowedOn(who: Who): boolean;
}

describe('who may call each route, as the README says', () => {
  let stack: TestStack;
  const callers: Caller[] = [];
  const rows = readmeRows();

  before(async () => {
    stack = await startStack();
    callers.push({ label: 'nobody', token: '', allowedOn: (who) => who.anyone });
    for (const role of ROLES) {
      const user = role === 'admin' ? stack.admin! : await stack.createUser(role);
      callers.push({ label: `a signed-in ${role}`, token: user.token, allowedOn: (who) => who.anyone || who.roles.includes(role) });
      for (const scope of API_KEY_SCOPES.filter((s) => scopeUsableBy(role, s))) {
        const res = await stack.fetch('/api/v1/admin/api-keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `${role} ${scope}`, scopes: [scope], ownerId: user.id }) });
        assert.equal(res.status, 201, await res.clone().text());
        const { secret } = (await res.json()) as CreatedApiKeyDto;
        // A key does what its scope allows, and never more than its owner's role.
        callers.push({ label: `${role === 'admin' ? 'an' : 'a'} ${role}'s ${scope} key`, token: secret, allowedOn: (who) => who.anyone || (who.scopes.includes(scope) && who.roles.includes(role)) });
      }
    }
  });
  after(() => stack.close());

  it('probes every route the api defines, and every README row', () => {
    const probed = new Set(PROBES.map((p) => p.route));
    for (const route of definedRoutes()) assert.ok(probed.has(route), `${route} is defined but not probed here`);
    for (const p of PROBES) assert.ok(rows.has(p.row), `no README row starts with \`${p.row}\` (for ${p.route})`);
    const covered = new Set(PROBES.map((p) => p.row));
    for (const row of rows.keys()) if (!row.startsWith('socket.io') && !row.startsWith('/socket.io')) assert.ok(covered.has(row), `README row \`${row}\` is not probed`);
  });

  it('gives an owner of a role only the key scopes the role can use', async () => {
    const viewer = await stack.createUser('viewer');
    for (const scope of API_KEY_SCOPES) {
      const res = await stack.fetch('/api/v1/admin/api-keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'k', scopes: [scope], ownerId: viewer.id }) });
      assert.equal(res.status, scope === 'query' ? 201 : 400, `a viewer's ${scope} key`);
    }
  });

  for (const p of PROBES) {
    it(`${p.route}: lets in exactly whom the README names`, async () => {
      const who = rows.get(p.row)!;
      const outcomes: string[] = [];
      const wrong: string[] = [];
      for (const caller of callers) {
        const init: RequestInit & { token: string } = { method: p.route.split(' ')[0]!, token: caller.token };
        if (p.body !== undefined) Object.assign(init, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.body) });
        const status = (await stack.fetch(p.path, init)).status;
        outcomes.push(`${caller.label}: ${status}`);
        if (who.anyone) {
          if (status === 403) wrong.push(`${caller.label} got 403 from a public route`);
        } else if (caller.allowedOn(who)) {
          if (status === 401 || status === 403) wrong.push(`${caller.label} was refused (${status})`);
        } else {
          const expected = caller.token ? 403 : 401;
          if (status !== expected) wrong.push(`${caller.label} got ${status}, not ${expected}`);
        }
      }
      assert.deepEqual(wrong, [], outcomes.join('\n'));
    });
  }
});
