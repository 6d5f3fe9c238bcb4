import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Page } from '../contracts/admin.ts';
import type { UserDto } from '../contracts/auth.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const POLLUTION_PROBES = ['role', 'a', 'b', 'x', 'isAdmin', 'polluted'];

type Account = Awaited<ReturnType<TestStack['createUser']>>;

describe('hostile JSON and query strings', () => {
  let stack: TestStack;
  let guard: StackGuard;
  let viewer: Account;

  const post = async (path: string, body: string, options: { token?: string; method?: string; contentType?: string } = {}) => {
    const res = await stack.fetch(path, { method: options.method ?? 'POST', token: options.token, headers: { 'content-type': options.contentType ?? 'application/json' }, body });
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } & Record<string, unknown> };
  };
  const userCount = async () => ((await (await stack.fetch('/api/v1/admin/users?limit=200')).json()) as Page<UserDto>).total;

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
    viewer = await stack.createUser('viewer');
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(async () => {
    await guard.check();
    // Nothing reached Object.prototype in this process, and the viewer is still a viewer.
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_NAMES);
    for (const name of POLLUTION_PROBES) assert.equal(({} as Record<string, unknown>)[name], undefined, `Object.prototype.${name}`);
    const me = (await (await stack.fetch('/api/v1/auth/me', { token: viewer.token })).json()) as UserDto;
    assert.equal(me.role, 'viewer');
    assert.equal((await stack.fetch('/api/v1/admin/users', { token: viewer.token })).status, 403);
  });

  const PROTO = '{"__proto__":{"role":"admin","isAdmin":true}}';
  const CONSTRUCTOR = '{"constructor":{"prototype":{"role":"admin","isAdmin":true}}}';
  const forbidden = (key: string) => ({ code: 'forbidden_key', message: `the key "${key}" is not allowed` });

  const bodies: [string, string, string][] = [
    ['{"__proto__":{"role":"admin"}}', PROTO, '__proto__'],
    ['constructor.prototype', CONSTRUCTOR, 'constructor'],
    ['__proto__ next to valid fields', '{"question":"When does the canteen open?","__proto__":{"role":"admin"}}', '__proto__'],
    ['__proto__ nested three levels down', '{"question":"q","collectionIds":["default"],"x":{"y":{"__proto__":{"polluted":1}}}}', '__proto__'],
    ['__proto__ inside an array', '[{"a":1},{"__proto__":{"polluted":1}}]', '__proto__'],
    ['a "prototype" key', '{"prototype":{"polluted":1}}', 'prototype'],
  ];
  for (const [what, body, key] of bodies) {
    it(`answers 400 forbidden_key to ${what} sent to chat`, async () => {
      const res = await post('/api/v1/chat', body, { token: viewer.token });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error, forbidden(key));
    });
  }

  it('answers 400 forbidden_key to __proto__ and constructor.prototype in a sign-in', async () => {
    for (const [body, key] of [
      [`{"email":"${viewer.email}","password":"${viewer.password}","__proto__":{"role":"admin"}}`, '__proto__'],
      [`{"email":"${viewer.email}","password":"${viewer.password}","constructor":{"prototype":{"role":"admin"}}}`, 'constructor'],
    ] as const) {
      const res = await post('/api/v1/auth/login', body, { token: '' });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error, forbidden(key));
      assert.equal(res.body.accessToken, undefined);
    }
  });

  it('answers 400 forbidden_key to __proto__ and constructor.prototype sent to the admin users API, and creates or changes nobody', async () => {
    const count = await userCount();
    const create = `{"email":"proto@example.org","name":"Proto","role":"viewer","password":"a long enough password","__proto__":{"role":"admin"}}`;
    const res = await post('/api/v1/admin/users', create);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error, forbidden('__proto__'));
    const change = await post(`/api/v1/admin/users/${viewer.id}`, CONSTRUCTOR, { method: 'PATCH' });
    assert.equal(change.status, 400);
    assert.deepEqual(change.body.error, forbidden('constructor'));
    // The guard runs before authentication: a viewer gets the same 400, not a hint about the route.
    assert.equal((await post('/api/v1/admin/users', create, { token: viewer.token })).status, 400);
    assert.equal(await userCount(), count);
  });

  for (const depth of [40, 20_000]) {
    it(`answers 400 to a body nested deeper than any request needs (${depth} levels)`, async () => {
      const res = await post('/api/v1/chat', `{"question":"q","x":${'['.repeat(depth)}${']'.repeat(depth)}}`, { token: viewer.token });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error, { code: 'forbidden_key', message: 'the JSON body is nested too deeply' });
    });
  }

  const questions: [string, unknown][] = [
    ['an array', ['What', 'is', 'this?']],
    ['{"$ne":null}', { $ne: null }],
    ['{"$gt":""}', { $gt: '' }],
    ['null', null],
    ['a number', 42],
  ];
  for (const [what, question] of questions) {
    it(`answers 400 validation_failed to a question that is ${what}`, async () => {
      stack.emulator.reset();
      const res = await post('/api/v1/chat', JSON.stringify({ question }), { token: viewer.token });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.match(res.body.error.message, /^invalid chat request: question: question must be a string$/);
      assert.equal(stack.emulator.stats.lastChatRequest, null);
    });
  }

  it('answers 400 validation_failed to a sign-in with {"$ne":null} as email and password', async () => {
    const res = await post('/api/v1/auth/login', JSON.stringify({ email: { $ne: null }, password: { $ne: null } }), { token: '' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
  });

  it('answers 413 to a 2 MB body, signed in or not', async () => {
    const big = JSON.stringify({ question: 'a'.repeat(2 * 1024 * 1024) });
    for (const [path, token] of [['/api/v1/chat', viewer.token], ['/api/v1/auth/login', '']] as const) {
      const res = await post(path, big, { token });
      assert.equal(res.status, 413, path);
      assert.deepEqual(res.body.error, { code: 'payload_too_large', message: 'the request body is too large' });
    }
  });

  it('answers 400 malformed_json to truncated JSON', async () => {
    for (const body of ['{"question": "When does the canteen', '{"question":', '{', '{"question":"x"']) {
      const res = await post('/api/v1/chat', body, { token: viewer.token });
      assert.equal(res.status, 400, body);
      assert.deepEqual(res.body.error, { code: 'malformed_json', message: 'the request body is not valid JSON' });
    }
  });

  it('answers 415 to a JSON body in a charset it does not read', async () => {
    const res = await post('/api/v1/chat', '{"question":"x"}', { token: viewer.token, contentType: 'application/json; charset=latin1' });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'unsupported_media_type');
  });

  const queries = ['a[__proto__]=b', '__proto__[role]=admin', '__proto__=admin', 'constructor[prototype][role]=admin', 'a[constructor][prototype][isAdmin]=1'];
  for (const query of queries) {
    it(`answers 400 to ?${query} on an API list, 200 where no query is read`, async () => {
      for (const path of ['/api/v1/documents', '/api/v1/conversations', '/api/v1/admin/users']) {
        const res = await stack.fetch(`${path}?${query}`);
        assert.equal(res.status, 400, `${path}?${query}`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'validation_failed');
        assert.match(body.error.message, /^invalid query: .*[Uu]nrecognized key/);
      }
      assert.equal((await stack.fetch(`/health?${query}`)).status, 200);
      assert.equal((await stack.fetch(`/api/v1/auth/me?${query}`, { token: viewer.token })).status, 200);
    });
  }
});
