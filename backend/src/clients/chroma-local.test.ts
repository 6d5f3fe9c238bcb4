import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig, type Config } from '../config.ts';
import type { DocumentDto } from '../contracts/documents.ts';
import { start } from '../main.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { createUser, testEnv, upload } from '../../test/support/stack.ts';

const PARAGRAPH = 'The lock keeper opens the upstream gates when the level in the chamber matches the river, then logs the barge, its draught and its cargo.';

/** Log lines the product wrote, parsed. */
function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one-command start's embedded Chroma (no CHROMA_URL), killed under the product's feet. */
describe('the embedded Chroma, supervised', () => {
  let emulator: OllamaEmulator;
  let config: Config;
  let app: Awaited<ReturnType<typeof start>>;
  let baseUrl = '';
  let token = '';
  const log = captureLog();
  const api = (pathname: string, init: RequestInit = {}) => fetch(`${baseUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  before(async () => {
    emulator = await startOllamaEmulator();
    const env = await testEnv(emulator, {
      CHROMA_URL: '',
      CHROMA_LOCAL_PORT: String(await freePort()),
      CHROMA_LOCAL_MAX_RESTARTS: '1',
      CHUNK_SIZE: '300',
      CHUNK_OVERLAP: '50',
      EMBED_BATCH_SIZE: '4',
    });
    config = loadConfig(env);
    app = await start(config, log.logger);
    baseUrl = `http://127.0.0.1:${(app.server!.address() as AddressInfo).port}`;
    token = (await createUser(baseUrl, app.services, 'admin')).token;
  });

  after(async () => {
    emulator.faults.latencyMs = 0;
    if (app.chroma?.problem() === null) await app.services.vectors.dropAll().catch(() => {});
    const keys = await app.services.redis.keys(`${config.redis.prefix}:*`);
    if (keys.length > 0) await app.services.redis.del(...keys);
    await app.stop();
    await emulator.close();
    fs.rmSync(config.paths.dataDir, { recursive: true, force: true });
  });

  it('restarts Chroma killed mid-ingest, logs the exit, and the document completes with exact counts', async (t) => {
    const chroma = app.chroma!;
    const firstPid = chroma.pid()!;
    const pages = Array.from({ length: 8 }, (_, p) => Array.from({ length: 10 }, (_, i) => `Page ${p + 1}, entry ${i + 1}. ${PARAGRAPH}`).join('\n'));
    // Slow embeddings keep the job in its embedding stage long enough to kill Chroma inside it.
    emulator.faults.latencyMs = 150;
    const res = await upload({ fetch: (p, init) => api(p, init) }, [{ name: 'lock-log.pdf', bytes: await makePdf(pages) }]);
    assert.equal(res.status, 202);
    const id = res.body.documents![0]!.id;
    await until('vectors of the document in Chroma while it is embedding', async () => {
      const row = app.services.documentsRepository.get(id);
      return row?.stage === 'embedding' && (await app.services.vectors.countForDocument(id)) > 0 ? true : undefined;
    });

    const killedAt = Date.now();
    process.kill(firstPid, 'SIGKILL');
    await until('the exit noticed', () => (chroma.problem() ? true : undefined), 10_000);
    assert.match(chroma.problem()!, /exited with signal SIGKILL and is being restarted/);
    const ready = await until('Chroma answering again', () => (chroma.problem() === null ? true : undefined));
    t.diagnostic(`Chroma answered again ${Date.now() - killedAt} ms after SIGKILL`);
    assert.ok(ready);
    assert.notEqual(chroma.pid(), firstPid);
    emulator.faults.latencyMs = 0;

    const doc = await until('the document finished', async () => {
      const dto = (await (await api(`/api/v1/documents/${id}`)).json()) as DocumentDto;
      return dto.status === 'ready' || dto.status === 'failed' ? dto : undefined;
    });
    assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
    assert.ok(doc.chunkCount! > 16, `${doc.chunkCount} chunks: more than one embedding group`);
    assert.equal(app.services.chunks.countForDocument(id), doc.chunkCount);
    assert.equal(app.services.chunks.ftsCountForDocument(id), doc.chunkCount);
    assert.equal(await app.services.vectors.countForDocument(id), doc.chunkCount);

    const exit = log.lines.find((l) => l.msg === 'local Chroma exited; restarting it');
    assert.ok(exit, 'the exit is logged');
    assert.equal(exit.exit, 'signal SIGKILL');
    assert.equal(exit.pid, firstPid);
    assert.ok(log.lines.some((l) => l.msg === 'local Chroma restarted and answers again'));
    assert.equal((await fetch(`${baseUrl}/ready`)).status, 200);
  });

  it('stops restarting past CHROMA_LOCAL_MAX_RESTARTS, and /ready says why', async () => {
    const chroma = app.chroma!;
    const pid = chroma.pid()!;
    process.kill(pid, 'SIGKILL');
    const problem = await until('the supervisor giving up', () => chroma.problem() ?? undefined, 10_000);
    assert.match(problem, /exited 2 times within 10 minutes \(last with signal SIGKILL\) and is no longer restarted/);
    const res = await fetch(`${baseUrl}/ready`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { checks: { chroma: { ok: boolean; error: string } } };
    assert.equal(body.checks.chroma.ok, false);
    assert.equal(body.checks.chroma.error, problem);
    assert.ok(log.lines.some((l) => l.msg === 'local Chroma keeps exiting; not restarting it again' && l.level === 50));
    // Past every backoff it would have used, nothing came back.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(chroma.pid(), pid);
    assert.notEqual(chroma.problem(), null);
  });
});
