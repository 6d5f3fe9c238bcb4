import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePdf } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';

interface Answer {
  status: number;
  code?: string;
  retryAfter: number | null;
}

async function answerOf(res: Response): Promise<Answer> {
  const body = (await res.json()) as { error?: { code: string } };
  const header = res.headers.get('retry-after');
  return { status: res.status, code: body.error?.code, retryAfter: header === null ? null : Number(header) };
}

/** A stack with its guard, checked around every test of the enclosing describe. */
function guardedStack(env: Record<string, string>) {
  const ref = {} as { stack: TestStack; guard: StackGuard };
  before(async () => {
    ref.stack = await startStack({ env });
    ref.guard = await guardStack(ref.stack);
  });
  after(() => ref.stack.close());
  beforeEach(() => ref.guard.snapshot());
  afterEach(() => ref.guard.check());
  return ref;
}

describe('chat and upload limits', () => {
  const t = guardedStack({ RATE_CHAT_PER_MINUTE: '10', RATE_UPLOAD_FILES_PER_HOUR: '2' });
  const chat = (token: string, body: unknown) =>
    t.stack.fetch('/api/v1/chat', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(answerOf);
  const question = { question: 'When does the staff canteen open?', stream: false };

  it('answers 429 with Retry-After to the 11th question within a minute, and only for that user', async () => {
    const user = await t.stack.createUser('viewer');
    // A malformed question is refused before it is counted.
    assert.equal((await chat(user.token, { question: '' })).status, 400);
    for (let i = 1; i <= 10; i++) assert.equal((await chat(user.token, question)).status, 200, `question ${i}`);
    const eleventh = await chat(user.token, question);
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.code, 'rate_limited');
    assert.ok(eleventh.retryAfter !== null && eleventh.retryAfter >= 1 && eleventh.retryAfter <= 60, `Retry-After ${eleventh.retryAfter}`);
    const streamed = await chat(user.token, { ...question, stream: true });
    assert.equal(streamed.status, 429, 'a streamed question is limited alike');
    assert.ok(streamed.retryAfter !== null && streamed.retryAfter >= 1);

    const other = await t.stack.createUser('viewer');
    assert.equal((await chat(other.token, question)).status, 200, 'another user is not limited');
  });

  it('answers 429 with Retry-After to the third file in an hour, and stores nothing of it', async () => {
    const editor = await t.stack.createUser('editor');
    const file = async (n: number) => ({ name: `quota-${n}.pdf`, bytes: await makePdf([`Upload quota test file ${n}.`]) });
    assert.equal((await upload(t.stack, [await file(1), await file(2)], {}, editor.token)).status, 202);
    const count = () => (t.stack.services.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    const before = count();
    const form = new FormData();
    const third = await file(3);
    form.append('files', new Blob([third.bytes]), third.name);
    const res = await t.stack.fetch('/api/v1/documents', { method: 'POST', token: editor.token, body: form });
    const answer = await answerOf(res);
    assert.equal(answer.status, 429);
    assert.equal(answer.code, 'rate_limited');
    assert.ok(answer.retryAfter !== null && answer.retryAfter >= 1 && answer.retryAfter <= 3600);
    assert.equal(count(), before);
  });
});

describe('sign-in lockout', () => {
  const t = guardedStack({
    RATE_SIGNIN_MAX_FAILURES: '2',
    RATE_SIGNIN_IP_MAX_FAILURES: '4',
    RATE_SIGNIN_WINDOW_S: '60',
    RATE_SIGNIN_LOCKOUT_S: '1',
    RATE_SIGNIN_LOCKOUT_MAX_S: '60',
    TRUST_PROXY: '127.0.0.1',
  });
  // The api trusts the proxy in front of it, here the test itself on 127.0.0.1, so each test signs in from its own address.
  const signIn = (email: string, password: string, ip: string) =>
    t.stack
      .fetch('/api/v1/auth/login', { method: 'POST', token: '', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) })
      .then(answerOf);
  const waitOut = (answer: Answer) => sleep(answer.retryAfter! * 1000 + 150);

  it('locks an account at an address after the failures, longer the second time, with Retry-After each time', async () => {
    const user = await t.stack.createUser('viewer');
    const ip = '198.51.100.1';
    assert.equal((await signIn(user.email, 'wrong password 1', ip)).status, 401);
    const first = await signIn(user.email, 'wrong password 2', ip);
    assert.deepEqual(first, { status: 429, code: 'rate_limited', retryAfter: 1 });
    // Locked at that address: even the right password is not looked at.
    const locked = await signIn(user.email, user.password, ip);
    assert.equal(locked.status, 429);
    assert.ok(locked.retryAfter! >= 1);
    await waitOut(locked);

    assert.equal((await signIn(user.email, 'wrong password 3', ip)).status, 401);
    const second = await signIn(user.email, 'wrong password 4', ip);
    assert.equal(second.status, 429);
    assert.equal(second.retryAfter, 2);
    assert.ok(second.retryAfter! > first.retryAfter!, 'the second lockout is not longer');
    const stillLocked = await signIn(user.email, user.password, ip);
    assert.equal(stillLocked.status, 429);
    assert.ok(stillLocked.retryAfter! >= 1 && stillLocked.retryAfter! <= 2);
    await waitOut(stillLocked);

    assert.equal((await signIn(user.email, user.password, ip)).status, 200);
  });

  it('keeps the owner signing in from elsewhere while a stranger has locked the account at their own address', async () => {
    const user = await t.stack.createUser('admin');
    assert.equal((await signIn(user.email, 'guess 1', '198.51.100.20')).status, 401);
    assert.equal((await signIn(user.email, 'guess 2', '198.51.100.20')).status, 429);
    assert.equal((await signIn(user.email, user.password, '198.51.100.20')).status, 429);
    assert.equal((await signIn(user.email, user.password, '198.51.100.21')).status, 200);
  });

  it('locks an unknown email exactly like a known one', async () => {
    const email = `nobody-${Date.now()}@example.org`;
    assert.deepEqual(await signIn(email, 'guess 1', '198.51.100.10'), { status: 401, code: 'unauthorized', retryAfter: null });
    assert.deepEqual(await signIn(email, 'guess 2', '198.51.100.10'), { status: 429, code: 'rate_limited', retryAfter: 1 });
  });

  it('locks an address that fails on many accounts, and only that address', async () => {
    const user = await t.stack.createUser('viewer');
    const ip = '203.0.113.7';
    for (let i = 1; i <= 3; i++) assert.equal((await signIn(`spray-${i}@example.org`, 'Winter2024!', ip)).status, 401, `attempt ${i}`);
    const fourth = await signIn('spray-4@example.org', 'Winter2024!', ip);
    assert.equal(fourth.status, 429);
    assert.equal(fourth.retryAfter, 1);
    assert.equal((await signIn(user.email, user.password, ip)).status, 429, 'the locked address signed in');
    assert.equal((await signIn(user.email, user.password, '203.0.113.8')).status, 200);
  });
});

describe('sign-in lockout with no proxy in front (the default TRUST_PROXY)', () => {
  const t = guardedStack({ RATE_SIGNIN_IP_MAX_FAILURES: '3', RATE_SIGNIN_LOCKOUT_S: '1' });

  it('counts failures by the peer address, whatever X-Forwarded-For claims', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await t.stack.fetch('/api/v1/auth/login', {
        method: 'POST',
        token: '',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` },
        body: JSON.stringify({ email: `spoof-${i}@example.org`, password: 'guess' }),
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
  });
});
