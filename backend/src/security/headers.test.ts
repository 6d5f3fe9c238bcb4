import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import { startStack, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';
import { rawRequest } from '../../test/support/raw-http.ts';

const ALLOWED = 'https://rag.example.org';
const DISALLOWED = ['https://evil.example', 'null', 'https://rag.example.org.evil.example', 'http://rag.example.org', 'https://rag.example.org:8443'];
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The CSP as a map of directive -> sources. */
function directives(csp: string | null): Map<string, string[]> {
  assert.ok(csp, 'no Content-Security-Policy');
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

describe('security headers, CORS, socket origins and request ids', () => {
  let stack: TestStack;
  let guard: StackGuard;
  let webDir: string;

  before(async () => {
    // A stand-in for the built dashboard, so `/` is served by the api as in a one-container deploy.
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-test-'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/app.js"></script></head><body></body></html>');
    fs.writeFileSync(path.join(webDir, 'app.js'), 'export {};');
    stack = await startStack({ env: { ALLOWED_ORIGINS: ALLOWED, WEB_DIR: webDir } });
    guard = await guardStack(stack);
  });
  after(async () => {
    await stack.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  describe('on every kind of response', () => {
    const responses: [string, () => Promise<Response>][] = [
      ['GET / (the dashboard)', () => stack.fetch('/', { token: '', headers: { accept: 'text/html' } })],
      ['GET /app.js', () => stack.fetch('/app.js', { token: '' })],
      ['GET /health', () => stack.fetch('/health', { token: '' })],
      ['GET /api/v1/collections (200)', () => stack.fetch('/api/v1/collections')],
      ['GET /api/v1/auth/me without a token (401)', () => stack.fetch('/api/v1/auth/me', { token: '' })],
      ['GET /api/v1/admin/users as nobody (401)', () => stack.fetch('/api/v1/admin/users', { token: 'x' })],
      ['GET /api/v1/nothing-here (404)', () => stack.fetch('/api/v1/nothing-here')],
      ['POST /api/v1/chat with malformed JSON (400)', () => stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })],
    ];
    for (const [what, send] of responses) {
      it(`sends the strict CSP, HSTS, nosniff and no-framing headers on ${what}`, async () => {
        const res = await send();
        await res.arrayBuffer();
        const csp = directives(res.headers.get('content-security-policy'));
        assert.deepEqual(csp.get('default-src'), ["'self'"]);
        assert.deepEqual(csp.get('script-src'), ["'self'"]);
        assert.deepEqual(csp.get('img-src'), ["'self'", 'data:']);
        assert.deepEqual(csp.get('connect-src'), ["'self'"]);
        assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
        assert.deepEqual(csp.get('object-src'), ["'none'"]);
        assert.ok(![...csp.values()].flat().some((s) => /unsafe-inline|unsafe-eval|\*/.test(s)), res.headers.get('content-security-policy')!);
        assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(res.headers.get('x-powered-by'), null);
        assert.match(res.headers.get('x-request-id') ?? '', UUID);
      });
    }

    it('serves the dashboard itself at /', async () => {
      const res = await stack.fetch('/', { token: '', headers: { accept: 'text/html' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    });

    it("sandboxes an uploaded original and still forbids framing it", async () => {
      const res = await stack.fetch(`/api/v1/documents/${guard.planted[0]!.id}/file`);
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox; default-src 'none'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    });
  });

  describe('CORS', () => {
    for (const origin of DISALLOWED) {
      it(`gives the origin ${origin} no CORS headers, on a request or a preflight`, async () => {
        const get = await stack.fetch('/api/v1/collections', { headers: { origin } });
        await get.arrayBuffer();
        const preflight = await stack.fetch('/api/v1/chat', { method: 'OPTIONS', token: '', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
        assert.equal(preflight.status, 204);
        for (const res of [get, preflight]) {
          const cors = [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
          assert.deepEqual(cors, [], `${origin}: ${cors.join(', ')}`);
        }
      });
    }

    it(`answers the configured origin ${ALLOWED} with CORS headers for it alone`, async () => {
      const get = await stack.fetch('/api/v1/collections', { headers: { origin: ALLOWED } });
      await get.arrayBuffer();
      assert.equal(get.headers.get('access-control-allow-origin'), ALLOWED);
      assert.equal(get.headers.get('access-control-allow-credentials'), 'true');
      assert.match(get.headers.get('vary') ?? '', /Origin/);
      const preflight = await stack.fetch('/api/v1/chat', { method: 'OPTIONS', token: '', headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), ALLOWED);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    });
  });

  describe('socket.io handshake', () => {
    const handshake = (origin: string | undefined, token = stack.token) =>
      new Promise<string>((resolve) => {
        const socket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token }, extraHeaders: origin ? { origin } : {} });
        socket.once('connect', () => {
          socket.disconnect();
          resolve('connected');
        });
        socket.once('connect_error', (err) => {
          socket.disconnect();
          resolve(err.message);
        });
      });

    for (const origin of DISALLOWED) {
      it(`refuses a socket from the origin ${origin}, even with a valid token`, async () => {
        assert.equal(await handshake(origin), 'websocket error');
        const polling = await stack.fetch('/socket.io/?EIO=4&transport=polling', { headers: { origin } });
        assert.equal(polling.status, 403);
        assert.deepEqual(await polling.json(), { code: 4, message: 'origin not allowed' });
        assert.equal(polling.headers.get('access-control-allow-origin'), null);
      });
    }

    it('accepts a socket from the configured origin, from its own origin, and from a non-browser client', async () => {
      assert.equal(await handshake(ALLOWED), 'connected');
      assert.equal(await handshake(stack.baseUrl), 'connected');
      assert.equal(await handshake(undefined), 'connected');
    });

    it('refuses a socket without a token, or with a bad one', async () => {
      assert.equal(await handshake(ALLOWED, ''), 'unauthorized: send auth.token');
      assert.equal(await handshake(ALLOWED, 'not-a-token'), 'unauthorized');
    });
  });

  describe('socket.io messages', () => {
    it('drops a socket that sends a message over the 16 KB cap, and keeps serving', async () => {
      const socket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: stack.token } });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const reason = new Promise<string>((resolve) => {
        socket.once('disconnect', resolve);
        setTimeout(() => resolve('still connected'), 3000).unref();
      });
      socket.emit('subscribe', { collectionIds: Array.from({ length: 50 }, (_, i) => `${i}-${'x'.repeat(400)}`) });
      assert.equal(await reason, 'transport close');
      socket.disconnect();
    });
  });

  describe('X-Request-Id', () => {
    const port = () => Number(new URL(stack.baseUrl).port);
    const send = (id: string) => rawRequest(port(), `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: ${id}\r\n\r\n`);
    const ids = (head: string) => head.split('\r\n').filter((l) => /^x-request-id:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());

    it('echoes a safe request id', async () => {
      const res = await send('safe-id_1.2');
      assert.equal(res?.status, 200);
      assert.deepEqual(ids(res!.head), ['safe-id_1.2']);
    });

    it('does not let CR LF in a request id split the response (the line break ends the header)', async () => {
      const res = await send('evil\r\nSet-Cookie: pwned=1');
      assert.equal(res?.status, 200);
      assert.deepEqual(ids(res!.head), ['evil']);
      assert.ok(!/pwned/i.test(res!.head), res!.head);
    });

    for (const [what, id] of [['a bare CR', 'evil\rSet-Cookie: pwned=1'], ['a bare LF', 'evil\nSet-Cookie: pwned=1'], ['a folded line', 'evil\r\n Set-Cookie: pwned=1'], ['a NUL', 'evil\0Set-Cookie: pwned=1']] as const) {
      it(`answers 400 (from the HTTP parser) to a request id with ${what}, echoing nothing`, async () => {
        const res = await send(id);
        assert.equal(res?.status, 400);
        assert.deepEqual(ids(res!.head), []);
        assert.ok(!/pwned/i.test(res!.head), res!.head);
      });
    }

    for (const [what, id] of [['percent-encoded CR LF', 'evil%0d%0aSet-Cookie:%20pwned=1'], ['markup', '<script>alert(1)</script>'], ['65 characters', 'a'.repeat(65)], ['spaces', 'two words']] as const) {
      it(`replaces a request id with ${what} by a fresh one`, async () => {
        const res = await send(id);
        assert.equal(res?.status, 200);
        const [echoed, ...more] = ids(res!.head);
        assert.deepEqual(more, []);
        assert.match(echoed!, UUID);
        assert.ok(SAFE_ID.test(echoed!));
      });
    }
  });
});

describe('socket.io connections per address', () => {
  let stack: TestStack;
  let guard: StackGuard;

  before(async () => {
    stack = await startStack({ env: { SOCKET_MAX_CONNECTIONS_PER_IP: '2' } });
    guard = await guardStack(stack);
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  it('refuses the connection over the cap, and takes one again once a socket closes', async () => {
    const open = () =>
      new Promise<{ outcome: string; close: () => void }>((resolve) => {
        const socket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: stack.token } });
        const close = () => socket.disconnect();
        socket.once('connect', () => resolve({ outcome: 'connected', close }));
        socket.once('connect_error', (err) => resolve({ outcome: err.message, close }));
      });
    const [first, second] = [await open(), await open()];
    assert.deepEqual([first.outcome, second.outcome], ['connected', 'connected']);
    const third = await open();
    assert.equal(third.outcome, 'websocket error');
    const polling = await stack.fetch('/socket.io/?EIO=4&transport=polling');
    assert.equal(polling.status, 403);
    assert.deepEqual(await polling.json(), { code: 4, message: 'too many connections' });

    first.close();
    let again = await open();
    for (let i = 0; again.outcome !== 'connected' && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await open();
    }
    assert.equal(again.outcome, 'connected');
    for (const s of [second, third, again]) s.close();
  });

  it('counts by the peer address whatever X-Forwarded-For claims, when no proxy is trusted (the default)', async () => {
    // The sockets of the test before may take a moment to be counted out.
    const sockets = [await openConnected(stack), await openConnected(stack)];
    assert.deepEqual(sockets.map((s) => s.outcome), ['connected', 'connected']);
    const forged = await stack.fetch('/socket.io/?EIO=4&transport=polling', { headers: { 'x-forwarded-for': '198.51.100.77' } });
    assert.equal(forged.status, 403, 'a forged X-Forwarded-For got a connection past the cap');
    for (const s of sockets) s.close();
  });
});

describe('socket.io connections per address behind a trusted proxy', () => {
  let stack: TestStack;

  // Production names the nginx in front; here the "proxy" is the test itself on 127.0.0.1.
  before(async () => {
    stack = await startStack({ env: { SOCKET_MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: '127.0.0.1' } });
  });
  after(() => stack.close());

  it('counts each client the proxy forwards apart, by its X-Forwarded-For', async () => {
    const client = '198.51.100.1';
    const sockets = await Promise.all([openSocket(stack, client), openSocket(stack, client)]);
    assert.deepEqual(sockets.map((s) => s.outcome), ['connected', 'connected']);
    const sameClient = await stack.fetch('/socket.io/?EIO=4&transport=polling', { headers: { 'x-forwarded-for': client } });
    assert.equal(sameClient.status, 403);
    const otherClient = await stack.fetch('/socket.io/?EIO=4&transport=polling', { headers: { 'x-forwarded-for': '198.51.100.2' } });
    assert.equal(otherClient.status, 200, 'a second client behind the proxy was refused with the first');
    for (const s of sockets) s.close();
  });
});

async function openConnected(stack: TestStack) {
  let socket = await openSocket(stack);
  for (let i = 0; socket.outcome !== 'connected' && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    socket = await openSocket(stack);
  }
  return socket;
}

/** Opens a websocket to the stack (through a "proxy" that forwards `forwardedFor`, if given). */
function openSocket(stack: TestStack, forwardedFor?: string) {
  return new Promise<{ outcome: string; close: () => void }>((resolve) => {
    const extraHeaders = forwardedFor ? { 'x-forwarded-for': forwardedFor } : undefined;
    const socket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: stack.token }, extraHeaders });
    const close = () => socket.disconnect();
    socket.once('connect', () => resolve({ outcome: 'connected', close }));
    socket.once('connect_error', (err) => resolve({ outcome: err.message, close }));
  });
}
