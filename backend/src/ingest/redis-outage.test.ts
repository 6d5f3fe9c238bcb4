import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { debianFile } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';

const PORT = 26000 + Math.floor(Math.random() * 4000);

/** A private Redis this test can stop and start, so the shared one stays up for everyone else. */
async function startRedis(): Promise<void> {
  spawn(debianFile('/usr/bin/redis-server', 'redis-server'), ['--bind', '127.0.0.1', '--port', String(PORT), '--save', '', '--appendonly', 'no', '--daemonize', 'yes'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(PORT), 'ping']).stdout?.toString().includes('PONG')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('private redis-server did not start');
}
const stopRedis = () => spawnSync('redis-cli', ['-p', String(PORT), 'shutdown', 'nosave']);

describe('when Redis goes away', () => {
  let stack: TestStack;

  before(async () => {
    await startRedis();
    stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${PORT}`, INGEST_SWEEP_MS: '1000' } });
  });
  after(async () => {
    await startRedis().catch(() => {});
    await stack.close();
    stopRedis();
  });

  it('stays up, says Redis is unreachable, stores uploads, and ingests them once Redis is back', async () => {
    assert.equal((await stack.fetch('/ready')).status, 200);
    stopRedis();
    await new Promise((r) => setTimeout(r, 300));

    assert.equal((await stack.fetch('/health')).status, 200);
    const ready = await stack.fetch('/ready');
    assert.equal(ready.status, 503);
    const checks = ((await ready.json()) as { checks: Record<string, { ok: boolean; error?: string }> }).checks;
    assert.equal(checks.redis!.ok, false);
    assert.match(checks.redis!.error!, /Redis is unreachable at redis:\/\/127\.0\.0\.1/);

    const started = Date.now();
    const res = await upload(stack, [{ name: 'outage.txt', bytes: 'The standby generator starts within eleven seconds of a grid outage.' }]);
    assert.ok(Date.now() - started < 10_000, 'the upload answers instead of hanging');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const doc = res.body.documents![0]!;
    assert.equal(doc.status, 'queued');
    assert.equal(doc.stage, 'waiting');
    assert.equal(doc.error?.code, 'redis_unavailable');

    await startRedis();
    const done = await stack.waitForStatus(doc.id, ['ready', 'failed'], 30_000);
    assert.equal(done.status, 'ready');
    assert.equal(done.error, null);
    assert.equal(await stack.services.vectors.countForDocument(doc.id), done.chunkCount);
  });

  it('re-queues a stored document whose job Redis lost', async () => {
    const doc = (await upload(stack, [{ name: 'lost.txt', bytes: 'Pump station four drains the lower basin overnight.' }])).body.documents![0]!;
    await stack.waitForStatus(doc.id, ['ready']);
    // As if Redis restarted empty while the document waited: queued in SQLite, no job anywhere.
    stack.services.documentsRepository.setStatus(doc.id, 'queued', { stage: null, progress: 0, error: null });
    stack.services.db.prepare("UPDATE documents SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(doc.id);
    assert.equal(await stack.services.queue.hasJob(doc.id), false);
    const again = await stack.waitForStatus(doc.id, ['ready'], 30_000);
    assert.equal(again.chunkCount, doc.chunkCount ?? again.chunkCount);
    assert.equal(stack.services.chunks.countForDocument(doc.id), again.chunkCount);
  });

  it('re-indexes while Redis is away: every document waits, and is ingested again once Redis is back', async () => {
    const doc = (await upload(stack, [{ name: 'reindex-outage.txt', bytes: 'The sluice gate closes when the tide gauge reads above four metres.' }])).body.documents![0]!;
    const before = await stack.waitForStatus(doc.id, ['ready']);
    stopRedis();
    await new Promise((r) => setTimeout(r, 300));

    const res = await stack.fetch('/api/v1/admin/reindex', { method: 'POST' });
    assert.equal(res.status, 202);
    assert.equal(((await res.json()) as { queued: number }).queued, stack.services.documentsRepository.allIds().length);
    const waiting = stack.services.documentsRepository.get(doc.id)!;
    assert.equal(waiting.status, 'queued');
    assert.equal(waiting.stage, 'waiting');
    assert.equal(waiting.error_code, 'redis_unavailable');

    await startRedis();
    const again = await stack.waitForStatus(doc.id, ['ready', 'failed'], 30_000);
    assert.equal(again.status, 'ready');
    assert.equal(again.error, null);
    assert.equal(again.chunkCount, before.chunkCount);
  });
});
