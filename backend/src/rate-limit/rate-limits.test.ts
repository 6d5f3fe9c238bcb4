import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Principal } from '../auth/principal.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';
import { createRedis } from '../clients/redis.ts';
import { loadConfig } from '../config.ts';
import { ServiceUnavailableError, TooManyRequestsError } from '../http/errors.ts';
import { createRateLimits } from './rate-limits.ts';

const principal = (userId: string, keyId?: string): Principal => ({
  kind: keyId ? 'apiKey' : 'user',
  userId,
  email: `${userId}@example.org`,
  role: 'editor',
  scopes: ['query', 'ingest'],
  permissions: ['chat', 'documents:read', 'documents:write'],
  keyId,
});

describe('sign-in lockout over HTTP', () => {
  let t: SecurityTestApp;
  let admin: { auth: { Authorization: string } };
  before(async () => {
    t = await startSecurityTestApp({
      env: { RATE_SIGNIN_MAX_FAILURES: '3', RATE_SIGNIN_ACCOUNT_MAX_FAILURES: '6', RATE_SIGNIN_IP_MAX_FAILURES: '10', RATE_SIGNIN_LOCKOUT_S: '1', RATE_SIGNIN_LOCKOUT_MAX_S: '60' },
    });
    admin = await t.signedIn('admin', '10.7.0.1');
  });
  after(() => t.close());

  let ipCounter = 0;
  const newIp = () => `10.9.0.${++ipCounter}`;
  const login = (email: string, password: string, ip = newIp()) => t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const failThrice = async (email: string, ip: string) => [await login(email, 'wrong password!', ip), await login(email, 'wrong password!', ip), await login(email, 'wrong password!', ip)];
  const auditOf = async (action: string, target: string) => {
    const res = await t.http().get('/api/v1/admin/audit').query({ limit: 200 }).set(admin.auth);
    return (res.body.items as { action: string; target: string | null; ip: string | null; details: Record<string, unknown> }[]).filter((e) => e.action === action && e.target === target);
  };

  it('locks an account from one address after the failures, longer at each lockout, and a success there resets it', async () => {
    const user = await t.createUser('viewer');
    const ip = newIp();
    const [a, b, c] = await failThrice(user.email, ip);
    assert.deepEqual([a!.status, b!.status], [401, 401]);
    assert.equal(c!.status, 429);
    const firstLock = Number(c!.headers['retry-after']);
    assert.equal(firstLock, 1);

    const whileLocked = await login(user.email, user.password, ip);
    assert.equal(whileLocked.status, 429, 'the right password got in from the locked address');
    assert.ok(Number(whileLocked.headers['retry-after']) >= 1);

    await sleep(1100);
    const second = await failThrice(user.email, ip);
    assert.equal(second[2]!.status, 429);
    const secondLock = Number(second[2]!.headers['retry-after']);
    assert.ok(secondLock > firstLock, `second lockout ${secondLock}s is not longer than the first ${firstLock}s`);
    assert.equal(secondLock, 2);

    await sleep(2100);
    assert.equal((await login(user.email, user.password, ip)).status, 200);
    const afterSuccess = await failThrice(user.email, ip);
    assert.equal(afterSuccess[2]!.status, 429);
    assert.equal(Number(afterSuccess[2]!.headers['retry-after']), 1, 'a success did not reset the lockout growth');
  });

  it('does not let a stranger at one address lock the owner out at another, and audits the lockout', async () => {
    const user = await t.createUser('admin');
    const stranger = newIp();
    const tries = await failThrice(user.email, stranger);
    assert.equal(tries[2]!.status, 429);
    assert.equal((await login(user.email, user.password, stranger)).status, 429, 'the stranger\'s address is locked');
    assert.equal((await login(user.email, user.password, newIp())).status, 200, 'the owner was locked out by a stranger');
    const lockouts = await auditOf('auth.locked_out', user.id);
    assert.equal(lockouts.length, 1, JSON.stringify(lockouts));
    assert.deepEqual({ ip: lockouts[0]!.ip, ...lockouts[0]!.details }, { ip: stranger, email: user.email, scope: 'account_from_address', seconds: 1 });
  });

  it('locks the account for everyone past the account-wide count from many addresses, until an admin unlocks it', async () => {
    const user = await t.createUser('editor');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(user.email, 'wrong password!')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    assert.equal((await login(user.email, user.password)).status, 429, 'the account-wide lockout let the right password in');
    assert.deepEqual((await auditOf('auth.locked_out', user.id)).map((e) => e.details.scope), ['account']);

    const editor = await t.signedIn('editor', '10.7.0.2');
    assert.equal((await t.http().post(`/api/v1/admin/users/${user.id}/unlock`).set(editor.auth)).status, 403);
    assert.equal((await t.http().post('/api/v1/admin/users/no-such-user/unlock').set(admin.auth)).status, 404);
    const unlock = await t.http().post(`/api/v1/admin/users/${user.id}/unlock`).set(admin.auth);
    assert.equal(unlock.status, 200);
    assert.deepEqual(unlock.body, { wasLocked: true });
    assert.equal((await login(user.email, user.password)).status, 200, 'still locked after the unlock');
    const unlocked = await auditOf('user.unlocked', user.id);
    assert.equal(unlocked.length, 1);
    assert.deepEqual(unlocked[0]!.details, { email: user.email, wasLocked: true });
    assert.deepEqual((await t.http().post(`/api/v1/admin/users/${user.id}/unlock`).set(admin.auth)).body, { wasLocked: false });
  });

  it('lifts the lockouts of an account from every address with an unlock', async () => {
    const user = await t.createUser('viewer');
    const [first, second] = [newIp(), newIp()];
    assert.equal((await failThrice(user.email, first))[2]!.status, 429);
    assert.equal((await failThrice(user.email, second))[2]!.status, 429);
    assert.deepEqual((await t.http().post(`/api/v1/admin/users/${user.id}/unlock`).set(admin.auth)).body, { wasLocked: true });
    assert.equal((await login(user.email, user.password, first)).status, 200);
    assert.equal((await login(user.email, user.password, second)).status, 200);
  });

  it('locks an unknown email exactly like a known one', async () => {
    const [, , c] = await failThrice(`ghost-${randomUUID()}@example.org`, newIp());
    assert.equal(c!.status, 429);
    assert.equal(c!.headers['retry-after'], '1');
  });

  it('locks an IP address that fails on many accounts', async () => {
    const ip = '10.8.0.1';
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(`spray-${i}@example.org`, 'wrong password!', ip)).status);
    assert.deepEqual(statuses, [...Array<number>(9).fill(401), 429]);
    const user = await t.createUser('viewer');
    const res = await login(user.email, user.password, ip);
    assert.equal(res.status, 429);
    assert.ok(res.headers['retry-after']);
    assert.equal((await login(user.email, user.password, '10.8.0.2')).status, 200);
  });
});

describe('chat limit over HTTP', () => {
  let t: SecurityTestApp;
  before(async () => {
    t = await startSecurityTestApp();
  });
  after(() => t.close());

  it('answers the 11th question within a minute with 429 and Retry-After, per user', async () => {
    const user = await t.createUser('viewer');
    const { accessToken } = await t.login(user.email, user.password);
    const ask = (token: string) => t.http().post('/api/v1/probe/chat').set('Authorization', `Bearer ${token}`).send({});
    for (let i = 1; i <= 10; i++) assert.equal((await ask(accessToken)).status, 200, `question ${i}`);
    const eleventh = await ask(accessToken);
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.body.error.code, 'rate_limited');
    const retryAfter = Number(eleventh.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${eleventh.headers['retry-after']}`);

    const other = await t.createUser('viewer');
    assert.equal((await ask((await t.login(other.email, other.password)).accessToken)).status, 200, 'another user was limited too');
  });
});

describe('rate limits on Redis', () => {
  const config = loadConfig({});
  const redis = createRedis(config, 'cache');
  const prefix = `test-rl-${randomUUID().slice(0, 8)}`;
  const silent = pino({ level: 'silent' });
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const limitsWith = (overrides: { chat?: Partial<typeof config.rateLimit.chat>; upload?: Partial<typeof config.rateLimit.upload> }) =>
    createRateLimits({
      redis,
      keyPrefix: `${prefix}:${randomUUID().slice(0, 6)}`,
      limits: { ...config.rateLimit, chat: { ...config.rateLimit.chat, ...overrides.chat }, upload: { ...config.rateLimit.upload, ...overrides.upload } },
      logger: silent,
    });

  it('counts a day limit too, and an API key apart from its owner', async () => {
    const limits = limitsWith({ chat: { perMinute: 0, perDay: 3 } });
    const owner = principal('u-day');
    for (let i = 0; i < 3; i++) await limits.consumeChat(owner);
    const err = await limits.consumeChat(owner).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof TooManyRequestsError);
    assert.ok(err.retryAfterSeconds > 3600, `Retry-After ${err.retryAfterSeconds}`);
    await limits.consumeChat(principal('u-day', 'key-1'));
  });

  it('limits uploads by files per hour and bytes per day, and a refused upload costs nothing', async () => {
    const limits = limitsWith({ upload: { filesPerHour: 5, bytesPerDay: 1000 } });
    const user = principal('u-up');
    await limits.consumeUpload(user, 3, 400);
    await assert.rejects(limits.consumeUpload(user, 3, 10), TooManyRequestsError);
    await limits.consumeUpload(user, 2, 100);
    await assert.rejects(limits.consumeUpload(principal('u-up', 'key-9'), 1, 1), TooManyRequestsError, 'an API key escaped its owner\'s upload limit');

    const bytes = limitsWith({ upload: { filesPerHour: 100, bytesPerDay: 1000 } });
    await bytes.consumeUpload(user, 1, 900);
    const err = await bytes.consumeUpload(user, 1, 200).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof TooManyRequestsError);
    assert.ok(err.retryAfterSeconds > 0);
    await bytes.consumeUpload(user, 1, 100);
  });

  it('turns a limit off with 0', async () => {
    const limits = limitsWith({ chat: { perMinute: 0, perDay: 0 } });
    for (let i = 0; i < 30; i++) await limits.consumeChat(principal('u-off'));
  });
});

describe('rate limits without Redis', () => {
  const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
  const redis = createRedis(config, 'cache');
  redis.on('error', () => {});
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const limits = createRateLimits({ redis, keyPrefix: 'test-down', limits: config.rateLimit, logger, timeoutMs: 500 });
  after(() => redis.disconnect());

  it('fails closed for sign-in: 503, never a crash', async () => {
    await assert.rejects(limits.checkSignIn('10.0.0.1', 'a@example.org'), (err: unknown) => err instanceof ServiceUnavailableError && err.status === 503);
    await assert.rejects(limits.recordSignInFailure('10.0.0.1', 'a@example.org'), ServiceUnavailableError);
  });

  it('fails open for chat and uploads, with a warning in the log', async () => {
    lines.length = 0;
    await limits.consumeChat(principal('u1'));
    await limits.consumeUpload(principal('u1'), 1, 100);
    assert.ok(lines.some((l) => l.includes('fail open')), lines.join('\n'));
  });
});
