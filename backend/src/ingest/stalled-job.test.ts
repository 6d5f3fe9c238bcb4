import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnrecoverableError, Worker } from 'bullmq';
import { makePdf, removeTempFiles, writeTemp } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { killWorker, startWorkerProcess, type WorkerProcess } from '../../test/support/worker-process.ts';
import type { DocumentDto } from '../contracts/documents.ts';
import { chunkDocument } from './chunk/chunk-text.ts';
import { INGEST_QUEUE, queuePrefix } from './jobs.ts';
import { parseFile } from './parse/parse-file.ts';
import { createIngestSweep } from './sweep.ts';

const PAGE = (n: number) => Array.from({ length: 30 }, (_, i) => `Page ${n} line ${i} on moraine deposits and outwash plains.`).join(' ');
const CHUNKING = { CHUNK_SIZE: '300', CHUNK_OVERLAP: '40', EMBED_BATCH_SIZE: '4', INGEST_STALL_CHECK_MS: '1000' };

describe('an ingest job that ends outside the product (split api and worker processes)', () => {
  let stack: TestStack;
  let emulator: OllamaEmulator;
  const workers: WorkerProcess[] = [];

  before(async () => {
    emulator = await startOllamaEmulator();
    stack = await startStack({ emulator, env: { ROLES: 'api', ...CHUNKING } });
  });
  after(async () => {
    for (const w of workers) await killWorker(w);
    await stack.close();
    await emulator.close();
    await removeTempFiles();
  });

  const row = (id: string) => stack.services.documentsRepository.get(id)!;
  async function until(what: string, id: string, check: () => boolean, worker: WorkerProcess): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!check()) {
      assert.ok(worker.exitCode === null, `the worker exited: ${worker.output().slice(-2000)}`);
      assert.ok(Date.now() < deadline, `${what} never happened; document ${JSON.stringify(row(id))}\n${worker.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const counts = async (id: string) => ({
    chroma: await stack.services.vectors.countForDocument(id),
    chunks: stack.services.chunks.countForDocument(id),
    fts: stack.services.chunks.ftsCountForDocument(id),
  });

  it('fails the document, removes its partial vectors, and retries it to ready when the worker is SIGKILLed twice', async () => {
    const bytes = await makePdf(Array.from({ length: 8 }, (_, i) => PAGE(i + 1)));
    const expected = chunkDocument(await parseFile(await writeTemp('moraine.pdf', bytes), 'pdf', { timeoutMs: 60_000, maxMemoryMb: 512 }), {
      size: 300,
      overlap: 40,
    }).length;
    emulator.faults.latencyMs = 150;
    const id = (await upload(stack, [{ name: 'moraine.pdf', bytes }])).body.documents![0]!.id;

    // Twice: a worker takes the job, writes some vectors, and is killed in the middle.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const worker = startWorkerProcess(stack.env);
      workers.push(worker);
      await until(
        `attempt ${attempt} getting half-way`,
        id,
        () => row(id).attempts === attempt && row(id).stage === 'embedding' && row(id).progress > 30 && row(id).progress < 90,
        worker,
      );
      await killWorker(worker);
      assert.ok((await stack.services.vectors.countForDocument(id)) > 0, 'some vectors were written before the kill');
    }

    // A third worker finds the job stalled twice; BullMQ fails it without running it.
    const socket = await stack.socket();
    const failedEvent = new Promise<DocumentDto>((resolve) => socket.on('document.failed', (doc) => doc.id === id && resolve(doc)));
    const third = startWorkerProcess(stack.env);
    workers.push(third);
    const failed = await stack.waitForStatus(id, ['failed', 'ready'], 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${third.output().slice(-3000)}`);
    });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.stage, null);
    assert.equal(failed.error?.code, 'worker_lost');
    assert.equal(failed.error?.retryable, true);
    assert.match(failed.error!.message, /interrupted twice/);
    assert.equal((await failedEvent).error?.code, 'worker_lost', 'the dashboard hears of it');
    assert.deepEqual(await counts(id), { chroma: 0, chunks: 0, fts: 0 }, 'a failed document keeps no partial vectors or keyword rows');

    emulator.faults.latencyMs = 0;
    const retried = await stack.fetch(`/api/v1/documents/${id}/retry`, { method: 'POST' });
    assert.equal(retried.status, 202, await retried.clone().text());
    const ready = await stack.waitForStatus(id, ['ready', 'failed'], 90_000);
    assert.equal(ready.status, 'ready', JSON.stringify(ready.error));
    assert.equal(ready.chunkCount, expected);
    assert.deepEqual(await counts(id), { chroma: expected, chunks: expected, fts: expected });
    await killWorker(third);
  });

  it('fails through the sweep a document whose job failed unseen, re-queues one whose job was removed, and lets a stuck one be retried', async () => {
    for (const w of workers) await killWorker(w);
    const docs: DocumentDto[] = [];
    for (const name of ['outwash.txt', 'esker.txt']) {
      docs.push((await upload(stack, [{ name, bytes: `${name} ${PAGE(1)}` }])).body.documents![0]!);
    }
    // A bare BullMQ worker fails both jobs: the product's failure handling never runs.
    const bare = new Worker(
      INGEST_QUEUE,
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: stack.services.queueConnection, prefix: queuePrefix(stack.config) },
    );
    try {
      const deadline = Date.now() + 30_000;
      while (((await stack.services.queue.depth()).failed ?? 0) < 2) {
        assert.ok(Date.now() < deadline, 'the bare worker never failed both jobs');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await bare.close();
    }
    const [swept, retried] = [docs[0]!.id, docs[1]!.id];
    assert.equal(row(swept).status, 'queued', 'nothing in the product saw the failure');

    // Retry answers for a document whose job is failed, even before the sweep got to it.
    const res = await stack.fetch(`/api/v1/documents/${retried}/retry`, { method: 'POST' });
    assert.equal(res.status, 202, await res.clone().text());
    assert.deepEqual(await stack.services.queue.jobState(retried), { state: 'live' });

    // A job removed from Redis by hand leaves its document queued with nothing to run it.
    const removed = (await upload(stack, [{ name: 'kame.txt', bytes: `kame ${PAGE(2)}` }])).body.documents![0]!.id;
    await stack.services.queue.cancel(removed);
    assert.deepEqual(await stack.services.queue.jobState(removed), { state: 'none' });

    await new Promise((r) => setTimeout(r, 1100));
    const sweep = createIngestSweep({ documents: stack.services.documentsRepository, queue: stack.services.queue, fail: stack.services.failDocument, intervalMs: 1000, logger: stack.services.logger });
    const result = await sweep();
    assert.deepEqual(result, { failed: 1, requeued: 1 });
    assert.deepEqual(await stack.services.queue.jobState(removed), { state: 'live' });
    assert.equal(row(swept).status, 'failed');
    assert.equal(row(swept).error_code, 'worker_lost');
    assert.equal(row(swept).retryable, 1);
    assert.equal(row(retried).status, 'queued', 'the retried document keeps its new job');
    assert.deepEqual(await stack.services.queue.jobState(retried), { state: 'live' });
  });
});
