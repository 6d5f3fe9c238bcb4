/**
 * The project's nginx configuration, checked by Debian's nginx (`nginx -t`) and run on loopback in
 * front of the natively started product: redirects, headers, caching, limits, streaming and
 * nginx's own errors, without containers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { ChatDoneDto } from '../../src/contracts/chat.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contracts/events.ts';
import { startLoopbackNginx, freePort, type LoopbackNginx } from '../support/nginx.ts';
import { firstTokenAndEnd, readSseTimed } from '../support/sse-stream.ts';
import { startStack, upload, type TestStack } from '../support/stack.ts';

const FILE_MB = 1;
const FILES = 2;

describe('nginx in front of the api', () => {
  let stack: TestStack;
  let nginx: LoopbackNginx;
  const viaNginx = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${stack.token}`);
    return fetch(`${nginx.httpsUrl}${pathname}`, { ...init, headers });
  };

  before(async () => {
    stack = await startStack({ env: { UPLOAD_MAX_FILE_MB: String(FILE_MB), UPLOAD_MAX_FILES: String(FILES) } });
    nginx = await startLoopbackNginx({ upstream: new URL(stack.baseUrl).host, uploadMaxFileMb: FILE_MB, uploadMaxFiles: FILES });
  });
  after(async () => {
    await nginx?.close();
    await stack?.close();
  });

  it('redirects plain HTTP to the same path over HTTPS, with 301', async () => {
    const res = await fetch(`${nginx.httpUrl}/documents?page=2`, { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), `${nginx.httpsUrl}/documents?page=2`);
  });

  it('sends the api\'s own security headers on the files it serves itself', async () => {
    const fromApi = await fetch(`${stack.baseUrl}/health`);
    const index = await fetch(`${nginx.httpsUrl}/`);
    assert.equal(index.status, 200);
    // The same policy, whatever the spacing and order of its directives.
    const directives = (csp: string | null) => (csp ?? '').split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();
    assert.ok(fromApi.headers.get('content-security-policy'), 'the api sends no CSP');
    assert.deepEqual(directives(index.headers.get('content-security-policy')), directives(fromApi.headers.get('content-security-policy')));
    for (const name of ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-resource-policy']) {
      assert.ok(fromApi.headers.get(name), `the api sends no ${name}`);
      assert.equal(index.headers.get(name)?.toLowerCase(), fromApi.headers.get(name)?.toLowerCase(), name);
    }
  });

  it('never caches index.html (also for app routes) and caches hashed assets for a year, compressed', async () => {
    for (const route of ['/', '/index.html', '/documents/abc']) {
      const res = await fetch(`${nginx.httpsUrl}${route}`);
      assert.equal(res.status, 200, route);
      assert.equal(res.headers.get('cache-control'), 'no-cache', route);
      assert.match(await res.text(), /app-3f9a1c\.js/);
    }
    const asset = await fetch(`${nginx.httpsUrl}/assets/app-3f9a1c.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-encoding'), 'gzip');
    const missing = await fetch(`${nginx.httpsUrl}/assets/gone-123.js`);
    assert.equal(missing.status, 404);
  });

  it('does not publish /metrics', async () => {
    assert.equal((await fetch(`${nginx.httpsUrl}/metrics`)).status, 404);
  });

  it('drops a client\'s own X-Forwarded-For, so the api logs the address nginx saw', async () => {
    const res = await fetch(`${nginx.httpsUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: stack.admin!.email, password: stack.admin!.password }),
    });
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id');
    assert.match(requestId ?? '', /^[0-9a-f]{32}$/, 'the api did not take nginx\'s request id');
    const audit = (await (await viaNginx('/api/v1/admin/audit?limit=5')).json()) as { items: { action: string; ip: string | null }[] };
    const login = audit.items.find((e) => e.action === 'auth.sign_in');
    assert.ok(login, JSON.stringify(audit.items));
    assert.equal(login.ip, '127.0.0.1');
    assert.match(nginx.accessLog(), new RegExp(`"POST /api/v1/auth/login HTTP/[0-9.]+" 200 .* rt=[0-9.]+ urt=[0-9.]+ rid=${requestId}`));
  });

  it('streams answers: the first token arrives in an earlier read than the end of the stream', async () => {
    const doc = await upload({ fetch: (p, i) => viaNginx(p, i) }, [{ name: 'keeper.md', bytes: '# Keeper\n\nThe lighthouse keeper logs the fog signal every night.\n', type: 'text/markdown' }]);
    assert.equal(doc.status, 202);
    await stack.waitForStatus(doc.body.documents![0]!.id, ['ready']);
    stack.emulator.faults.tokenDelayMs = 30;
    try {
      const started = performance.now();
      const res = await viaNginx('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'What does the keeper log every night?' }) });
      assert.equal(res.status, 200);
      const events = await readSseTimed(res, started);
      const { firstToken, end } = firstTokenAndEnd(events);
      assert.ok(firstToken.read < end.read, 'nginx delivered the whole answer at once');
      assert.ok(((events.find((e) => e.event === 'done')?.data as ChatDoneDto).citations.length) > 0);
    } finally {
      stack.emulator.faults.tokenDelayMs = 0;
    }
  });

  it('upgrades /socket.io to a WebSocket', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(nginx.httpsUrl, { transports: ['websocket'], forceNew: true, auth: { token: stack.token } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      assert.equal(socket.io.engine.transport.name, 'websocket');
      await socket.emitWithAck('subscribe', { collectionIds: ['default'] });
    } finally {
      socket.disconnect();
    }
  });

  it('lets the api refuse a file over its limit, and refuses a larger body itself, both as JSON', async () => {
    const over = await upload({ fetch: (p, i) => viaNginx(p, i) }, [{ name: 'big.txt', bytes: 'a'.repeat(FILE_MB * 1024 * 1024 + 1024), type: 'text/plain' }]);
    assert.equal(over.status, 413);
    assert.equal(over.body.error?.code, 'payload_too_large');

    const body = new Uint8Array((FILE_MB * FILES + 2) * 1024 * 1024).fill(97);
    const res = await viaNginx('/api/v1/documents', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body });
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'payload_too_large');
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message']);
    // JSON bodies elsewhere are small: a megabyte is refused before it reaches the api.
    const json = await viaNginx('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 10) });
    assert.equal(json.status, 413);
  });

  it('answers 502 in the api\'s JSON shape when the api is not there', async () => {
    const away = await startLoopbackNginx({ upstream: `127.0.0.1:${await freePort()}` });
    try {
      const res = await fetch(`${away.httpsUrl}/api/v1/documents`);
      assert.equal(res.status, 502);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), { error: { code: 'bad_gateway', message: 'the api is not reachable; try again shortly' } });
    } finally {
      await away.close();
    }
  });
});
