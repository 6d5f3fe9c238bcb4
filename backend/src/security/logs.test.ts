import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { removeTestEnv, testEnv } from '../../test/support/stack.ts';

const MAIN = path.resolve(import.meta.dirname, '../main.ts');
const ADMIN = { email: 'first-admin@example.org', password: 'bootstrap password 7Hq2' };
const NEW_PASSWORD = 'changed password 9Zk4';
const WRONG_PASSWORD = 'wrong password Xy81';

/**
 * The real api as its own process (`node src/main.ts`), so its log output can be read as an
 * operator would; everything secret a client sends or gets must be missing from it.
 */
describe('what the logs of the real process keep', () => {
  let emulator: OllamaEmulator;
  let env: Record<string, string>;
  let child: ChildProcess;
  let baseUrl = '';
  let output = '';
  const secrets: Record<string, string> = { password: ADMIN.password, newPassword: NEW_PASSWORD, wrongPassword: WRONG_PASSWORD };

  before(async () => {
    emulator = await startOllamaEmulator();
    env = await testEnv(emulator, { LOG_LEVEL: 'debug', BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!baseUrl && Date.now() < deadline) {
      const port = /"msg":"api listening"/.test(output) ? /"address":\{[^}]*"port":(\d+)/.exec(output)?.[1] : undefined;
      if (port) baseUrl = `http://127.0.0.1:${port}`;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(baseUrl, `the api did not start:\n${output}`);
  });

  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await removeTestEnv(env);
    await emulator.close();
  });

  const call = async (pathname: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${pathname}`, { ...init, headers });
  };

  it('has no password, access token, refresh token, cookie or API key in it, and a request id on every request line', async () => {
    const wrong = await call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: ADMIN.email, password: WRONG_PASSWORD }) });
    assert.equal(wrong.status, 401);
    const login = await call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify(ADMIN) });
    assert.equal(login.status, 200);
    secrets.accessToken = ((await login.json()) as { accessToken: string }).accessToken;
    const cookie = /rag_refresh=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    secrets.refreshToken = cookie.slice('rag_refresh='.length);

    const key = await call('/api/v1/admin/api-keys', { method: 'POST', token: secrets.accessToken, body: JSON.stringify({ name: 'logged', scopes: ['query'] }) });
    assert.equal(key.status, 201);
    secrets.apiKey = ((await key.json()) as { secret: string }).secret;
    assert.equal((await call('/api/v1/documents', { token: secrets.apiKey, headers: { 'x-request-id': 'log-trace-1' } })).status, 200);
    assert.equal((await call('/api/v1/admin/users', { token: secrets.apiKey })).status, 403);

    const refreshed = await call('/api/v1/auth/refresh', { method: 'POST', headers: { cookie } });
    assert.equal(refreshed.status, 200);
    secrets.rotatedAccessToken = ((await refreshed.json()) as { accessToken: string }).accessToken;
    const change = await call('/api/v1/auth/password', { method: 'POST', token: secrets.rotatedAccessToken, body: JSON.stringify({ currentPassword: ADMIN.password, newPassword: NEW_PASSWORD }) });
    assert.equal(change.status, 204);
    assert.equal((await call('/health')).status, 200);

    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const lines = output.trim().split('\n');
    for (const [name, value] of Object.entries(secrets)) assert.ok(!output.includes(value), `the ${name} is in the log`);
    const requests = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; path?: string }).filter((l) => l.msg === 'request');
    assert.ok(requests.length >= 8, `${requests.length} request lines`);
    assert.ok(requests.every((l) => typeof l.requestId === 'string' && l.requestId.length > 0));
    assert.ok(requests.some((l) => l.requestId === 'log-trace-1' && l.path === '/api/v1/documents'));
  });
});
