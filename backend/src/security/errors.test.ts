import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { readSse, startStack, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';

const INTERNAL = { code: 'internal', message: 'something went wrong on our side; the error has been logged' };
// What an unexpected error carries that a client must never see.
const SECRET_TEXT = 'SQLITE_CORRUPT at /srv/rag/internal/secret-path.ts:42';
const LEAKS = /SQLITE|secret-path|\/srv\/|node_modules|\bat \S+ \(|\.ts:\d|\\n\s+at |TypeError|Error:|not open|better-sqlite3|chromadb/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A 500 from the real error middleware: the bare internal body and a request id, nothing else. */
async function assertBare500(res: Response, requestId?: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, 500, text);
  assert.deepEqual(JSON.parse(text), { error: INTERNAL });
  assert.ok(!LEAKS.test(text), text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  if (requestId) assert.equal(res.headers.get('x-request-id'), requestId);
  else assert.match(res.headers.get('x-request-id') ?? '', UUID);
}

describe('unexpected errors', () => {
  let stack: TestStack;
  let guard: StackGuard;
  const restore: (() => void)[] = [];

  /** Replaces a method of a live service object for one test. */
  function breakMethod<T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]) {
    const original = target[key];
    target[key] = replacement;
    restore.push(() => (target[key] = original));
  }

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(async () => {
    for (const undo of restore.splice(0)) undo();
    await guard.check();
  });

  it('answers a synchronous throw with a bare 500 and the caller\'s request id', async () => {
    breakMethod(stack.services.collectionsService, 'list', () => {
      throw new Error(SECRET_TEXT);
    });
    await assertBare500(await stack.fetch('/api/v1/collections', { headers: { 'x-request-id': 'trace-500-a' } }), 'trace-500-a');
  });

  it('answers a rejected promise from a library with a bare 500', async () => {
    breakMethod(stack.services.vectors, 'queryChunks', async () => {
      throw new TypeError(`Cannot read properties of undefined (reading 'ids') in chromadb ${SECRET_TEXT}`);
    });
    const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'When does the staff canteen open?', stream: true }) });
    await assertBare500(res);
  });

  it('answers a thrown non-Error value with a bare 500', async () => {
    breakMethod(stack.services.collectionsService, 'list', () => {
      throw SECRET_TEXT; // what a careless library might do
    });
    await assertBare500(await stack.fetch('/api/v1/collections'));
  });

  it('ends a stream that fails after it started with a bare internal error event', async () => {
    breakMethod(stack.services.llm, 'chat', async function* () {
      yield 'The canteen ';
      throw new TypeError(SECRET_TEXT);
    });
    const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'At what time does the staff canteen open its doors?', stream: true }) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-request-id') ?? '', UUID);
    const events = await readSse(res);
    assert.deepEqual(events.at(-1), { event: 'error', data: INTERNAL });
    assert.ok(!LEAKS.test(JSON.stringify(events)), JSON.stringify(events));
  });
});

describe('an api whose database was closed under it', () => {
  let stack: TestStack;
  let guard: StackGuard;

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
    guard.snapshot();
    stack.services.db.close();
  });
  after(() => stack.close());

  it('answers requests that need the database with a bare 500, and /health still with 200', async () => {
    for (const path of ['/api/v1/documents', '/api/v1/collections', '/api/v1/auth/me']) {
      await assertBare500(await stack.fetch(path), undefined);
    }
    const login = await stack.fetch('/api/v1/auth/login', { method: 'POST', token: '', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: stack.admin!.email, password: stack.admin!.password }) });
    await assertBare500(login);
    await guard.check({ databaseClosed: true });
  });
});
