import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REDIS_URL } from '../../test/support/stack.ts';

const script = fileURLToPath(new URL('./healthcheck.ts', import.meta.url));

/** Runs the healthcheck as the container does, with this environment; resolves with its exit code. */
function healthcheck(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('the container healthcheck', () => {
  let server: http.Server;
  let port = 0;
  let status = 200;

  before(async () => {
    server = http.createServer((req, res) => res.writeHead(req.url === '/health' ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('passes for the api role when /health answers 200', async () => {
    status = 200;
    assert.equal((await healthcheck({ ROLES: 'api', PORT: String(port), REDIS_URL })).code, 0);
  });

  it('fails for the api role when /health does not answer 200', async () => {
    status = 503;
    const result = await healthcheck({ ROLES: 'api', PORT: String(port), REDIS_URL });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unhealthy: \/health answered 503/);
  });

  it('passes for the worker role when Redis answers', async () => {
    assert.equal((await healthcheck({ ROLES: 'worker', REDIS_URL })).code, 0);
  });

  it('fails for the worker role when Redis cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await healthcheck({ ROLES: 'worker', REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unhealthy/);
  });
});
