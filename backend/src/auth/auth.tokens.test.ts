import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { UnauthorizedError } from '../http/errors.ts';
import { createAccessTokens, hashToken, loadOrCreateSecret, randomToken } from './auth.tokens.ts';

const settings = { secret: 's'.repeat(32), issuer: 'iss', audience: 'aud', ttlS: 900 };

describe('access tokens', () => {
  it('round-trips the user, role, session and expiry', async () => {
    const tokens = createAccessTokens(settings);
    const token = await tokens.sign({ userId: 'u1', role: 'editor', sessionId: 'f1' });
    const claims = await tokens.verify(token);
    assert.equal(claims.userId, 'u1');
    assert.equal(claims.role, 'editor');
    assert.equal(claims.sessionId, 'f1');
    assert.ok(Math.abs(claims.expiresAt - (Date.now() + 900_000)) < 5000);
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, 'HS256');
  });

  it('refuses with UnauthorizedError a token made for another issuer or audience', async () => {
    const other = createAccessTokens({ ...settings, issuer: 'other' });
    await assert.rejects(createAccessTokens(settings).verify(await other.sign({ userId: 'u', role: 'viewer', sessionId: 'f' })), UnauthorizedError);
    const otherAud = createAccessTokens({ ...settings, audience: 'other' });
    await assert.rejects(createAccessTokens(settings).verify(await otherAud.sign({ userId: 'u', role: 'viewer', sessionId: 'f' })), UnauthorizedError);
  });

  it('will not be built with a secret shorter than 32 bytes', () => {
    assert.throws(() => createAccessTokens({ ...settings, secret: 'x'.repeat(31) }), /32 bytes/);
  });
});

describe('config for authentication', () => {
  it('refuses a set AUTH_JWT_SECRET shorter than 32 bytes, naming it', () => {
    assert.throws(() => loadConfig({ AUTH_JWT_SECRET: 'too-short' }), (err: Error) => err instanceof ConfigError && /AUTH_JWT_SECRET/.test(err.message));
    assert.equal(loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) }).auth.jwtSecret, 'x'.repeat(32));
  });

  it('has a 15 minute access token and a 7 day refresh token by default', () => {
    const { auth } = loadConfig({});
    assert.equal(auth.accessTokenTtlS, 900);
    assert.equal(auth.refreshTokenTtlS, 7 * 86_400);
    assert.equal(auth.jwtSecret, undefined);
  });

  it('refuses a bootstrap password shorter than 12 characters, naming it', () => {
    assert.throws(() => loadConfig({ BOOTSTRAP_ADMIN_PASSWORD: 'short' }), /BOOTSTRAP_ADMIN_PASSWORD/);
  });
});

describe('loadOrCreateSecret', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-secret-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates secrets/jwt-secret with mode 0600 once, and reads the same secret after', () => {
    const first = loadOrCreateSecret(dir);
    const file = path.join(dir, 'secrets', 'jwt-secret');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(Buffer.byteLength(first) >= 32);
    assert.equal(loadOrCreateSecret(dir), first);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'secrets')), ['jwt-secret'], 'a temp file was left behind');
  });

  it('refuses a secret file that holds too little', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-secret-'));
    fs.mkdirSync(path.join(other, 'secrets'));
    fs.writeFileSync(path.join(other, 'secrets', 'jwt-secret'), 'short\n');
    assert.throws(() => loadOrCreateSecret(other), /fewer than 32 bytes/);
    fs.rmSync(other, { recursive: true, force: true });
  });
});

describe('opaque tokens', () => {
  it('are 32 random bytes in base64url, stored as a SHA-256 hex hash', () => {
    const a = randomToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, randomToken());
    assert.match(hashToken(a), /^[0-9a-f]{64}$/);
    assert.notEqual(hashToken(a), a);
  });
});
