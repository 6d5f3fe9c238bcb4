import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config.ts';
import { startApiProcess, type ApiProcess } from '../../test/support/api-process.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { removeTestEnv, testEnv } from '../../test/support/stack.ts';
import { BOUNDARY, filePart, multipartBody } from '../../test/support/raw-http.ts';

const ADMIN = { email: 'slow-clients@example.org', password: 'bootstrap password 4Rt8' };

interface Dawdle {
  /** The status line the server answered with, if any. */
  status: number | null;
  /** Bytes the client managed to send before the server closed the connection. */
  sent: number;
  closedAfterMs: number;
}

/**
 * A real socket that sends `head` and then `body` one byte a second, until the server closes the
 * connection or `giveUpMs` passes.
 */
function dawdle(port: number, head: string, body: Buffer, giveUpMs: number): Promise<Dawdle> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0) || null, sent, closedAfterMs: Date.now() - started });
    };
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < body.length && socket.writable) socket.write(body.subarray(sent, ++sent));
      }, 1000);
    });
  });
}

describe('clients that dawdle or go away, against the real process', () => {
  let emulator: OllamaEmulator;
  let env: Record<string, string>;
  let api: ApiProcess;
  let token = '';
  let pdf: Buffer;

  before(async () => {
    emulator = await startOllamaEmulator();
    env = await testEnv(emulator, { LOG_LEVEL: 'info', HTTP_REQUEST_TIMEOUT_S: '3', HTTP_HEADERS_TIMEOUT_S: '2', BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    api = await startApiProcess(env);
    const login = await fetch(`${api.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    assert.equal(login.status, 200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
    pdf = await makePdf(['A report that arrives slowly, if at all.']);
  });

  after(async () => {
    await api.stop();
    await removeTestEnv(env);
    await emulator.close();
  });

  const uploadHead = (length: number) =>
    `POST /api/v1/documents HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\ncontent-type: multipart/form-data; boundary=${BOUNDARY}\r\ncontent-length: ${length}\r\n\r\n`;

  it('answers 408 and disconnects an upload whose body comes a byte a second, after HTTP_REQUEST_TIMEOUT_S', async () => {
    const body = multipartBody([filePart('slow.pdf', pdf)]);
    const result = await dawdle(api.port, uploadHead(body.length), body, 60_000);
    assert.ok(result.sent < 30, `the server read ${result.sent} bytes over ${result.closedAfterMs} ms before closing`);
    assert.equal(result.status, 408);
    assert.deepEqual(fs.readdirSync(loadConfig(env).paths.uploads), [], 'the partial upload is removed');
  });

  it('answers 408 and disconnects a client that sends its headers a byte a second, after HTTP_HEADERS_TIMEOUT_S', async () => {
    const result = await dawdle(api.port, '', Buffer.from(uploadHead(10)), 60_000);
    assert.ok(result.sent < 30, `the server read ${result.sent} header bytes over ${result.closedAfterMs} ms before closing`);
    assert.equal(result.status, 408);
  });

  it('logs an upload the client aborts as an ordinary event: warn at most, no stack', async () => {
    const body = multipartBody([filePart('aborted.pdf', pdf)]);
    const before = api.logLines().length;
    await new Promise<void>((resolve) => {
      const socket = net.connect(api.port, '127.0.0.1', () => {
        socket.write(uploadHead(body.length));
        socket.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
    });
    // The api notices the reset and logs it; give it a moment, then read what it wrote.
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && !lines.some((l) => l.path === '/api/v1/documents'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      lines = api.logLines().slice(before);
    }
    const about = lines.filter((l) => l.path === '/api/v1/documents' || (l.req as { url?: string } | undefined)?.url === '/api/v1/documents');
    assert.ok(about.length > 0, `nothing logged about the aborted upload:\n${JSON.stringify(lines, null, 1)}`);
    for (const line of lines) {
      assert.ok((line.level as number) <= 40, `logged above warn: ${JSON.stringify(line)}`);
      assert.ok(!JSON.stringify(line).includes('"stack"'), `logged with a stack: ${JSON.stringify(line)}`);
    }
    assert.ok(about.some((l) => /abort/i.test(String(l.msg))), `no line says the client aborted: ${JSON.stringify(about)}`);
    assert.deepEqual(fs.readdirSync(loadConfig(env).paths.uploads), [], 'the partial upload is removed');
  });
});
