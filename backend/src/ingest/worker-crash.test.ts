import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { killWorker, startWorkerProcess, type WorkerProcess } from '../../test/support/worker-process.ts';

const PAGE = (n: number) => Array.from({ length: 30 }, (_, i) => `Page ${n} line ${i} on glacier mass balance and firn density.`).join(' ');

describe('a worker killed in the middle of a job', () => {
  let stack: TestStack;
  let emulator: OllamaEmulator;
  const workers: WorkerProcess[] = [];

  before(async () => {
    emulator = await startOllamaEmulator();
    stack = await startStack({
      emulator,
      env: { ROLES: 'api', CHUNK_SIZE: '300', CHUNK_OVERLAP: '40', EMBED_BATCH_SIZE: '4', INGEST_STALL_CHECK_MS: '1000' },
    });
  });
  after(async () => {
    for (const w of workers) await killWorker(w);
    await stack.close();
    await emulator.close();
  });

  it('finishes the document after a restart, with no duplicate chunks', async () => {
    emulator.faults.latencyMs = 120;
    const first = startWorkerProcess(stack.env);
    workers.push(first);
    const bytes = await makePdf(Array.from({ length: 8 }, (_, i) => PAGE(i + 1)));
    const id = (await upload(stack, [{ name: 'glacier.pdf', bytes }])).body.documents![0]!.id;

    // Kill it once some, but not all, vectors are written.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = stack.services.documentsRepository.get(id)!;
      if (row.stage === 'embedding' && row.progress > 30 && row.progress < 90) break;
      assert.ok(row.status !== 'ready', 'the job finished before it could be interrupted');
      assert.ok(Date.now() < deadline, `worker never got going: ${first.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await killWorker(first);
    const partial = await stack.services.vectors.countForDocument(id);
    assert.ok(partial > 0, 'some vectors were written before the kill');

    emulator.faults.latencyMs = 0;
    const second = startWorkerProcess(stack.env);
    workers.push(second);
    const ready = await stack.waitForStatus(id, ['ready', 'failed'], 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${second.output().slice(-3000)}`);
    });
    assert.equal(ready.status, 'ready');
    assert.ok(ready.chunkCount! > partial);
    assert.equal(await stack.services.vectors.countForDocument(id), ready.chunkCount);
    assert.equal(stack.services.chunks.countForDocument(id), ready.chunkCount);
    assert.equal(stack.services.chunks.ftsCountForDocument(id), ready.chunkCount);

    second.kill('SIGTERM');
    const code = await second.exited();
    assert.equal(code, 0, 'SIGTERM drains and exits cleanly');
  });
});
