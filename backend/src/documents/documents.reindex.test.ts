import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueueEvents } from 'bullmq';
import type { DocumentDto } from '../contracts/documents.ts';
import { INGEST_QUEUE, queuePrefix, REINDEX_QUEUE } from '../ingest/jobs.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';

const TEXTS = [
  'Heliostat mirrors track the sun across the tower field.',
  'The molten salt tank keeps the turbine running for eight hours after sunset.',
  'Receiver tubes are inspected for creep every spring before the high season.',
];

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('re-indexing', () => {
  let stack: TestStack;
  const listeners: QueueEvents[] = [];

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await Promise.all(listeners.map((l) => l.close()));
    await stack.close();
  });

  /** Every job added to a queue from now on, by id. */
  async function jobsAdded(queue: string): Promise<string[]> {
    const events = new QueueEvents(queue, { connection: stack.services.queueConnection, prefix: queuePrefix(stack.config) });
    listeners.push(events);
    const added: string[] = [];
    events.on('added', ({ jobId }) => added.push(jobId));
    await events.waitUntilReady();
    return added;
  }

  it('answers 202 after enqueuing exactly one reindex job, which re-ingests every document once, to the same chunks', async () => {
    const before: DocumentDto[] = [];
    for (const [i, text] of TEXTS.entries()) {
      const doc = (await upload(stack, [{ name: `solar-${i}.txt`, bytes: text }])).body.documents![0]!;
      before.push(await stack.waitForStatus(doc.id, ['ready']));
    }
    const reindexJobs = await jobsAdded(REINDEX_QUEUE);
    const ingestJobs = await jobsAdded(INGEST_QUEUE);
    const socket = await stack.socket();
    const progress: { done: number; total: number }[] = [];
    socket.on('reindex.progress', (p) => progress.push(p));

    const res = await stack.fetch('/api/v1/admin/reindex', { method: 'POST' });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { queued: TEXTS.length });
    for (const doc of before) assert.equal(stack.services.documentsRepository.get(doc.id)!.status, 'queued', 'the request queues every document before it answers');

    for (const doc of before) {
      const again = await stack.waitForStatus(doc.id, ['ready', 'failed'], 30_000);
      assert.equal(again.status, 'ready', JSON.stringify(again.error));
      assert.equal(again.chunkCount, doc.chunkCount);
      assert.equal(await stack.services.vectors.countForDocument(doc.id), doc.chunkCount);
      assert.equal(stack.services.chunks.ftsCountForDocument(doc.id), doc.chunkCount);
    }
    await waitFor(() => progress.some((p) => p.done === p.total), 'the re-index progress to reach its total');
    assert.deepEqual(progress.at(-1), { done: TEXTS.length, total: TEXTS.length });
    await waitFor(() => ingestJobs.length >= TEXTS.length, 'the ingest jobs to be announced');
    assert.equal(reindexJobs.length, 1, 'one reindex job for the request');
    assert.deepEqual([...ingestJobs].sort(), before.map((d) => d.id).sort(), 'one ingest job per document, with the document id as job id');
  });
});
