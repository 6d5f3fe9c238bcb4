import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalChroma } from '../clients/chroma-local.ts';
import { createLogger } from '../logger.ts';
import { makeCorruptPdf, makeEncryptedPdf, makePdf } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { chunkDocument } from './chunk/chunk-text.ts';
import { parseFile } from './parse/parse-file.ts';

const LONG_PAGE = Array.from({ length: 40 }, (_, i) => `Sentence ${i} about reservoir sediment and turbine intake screens.`).join(' ');

describe('ingestion and chat when things go wrong', () => {
  let stack: TestStack;
  let emulator: OllamaEmulator;

  before(async () => {
    emulator = await startOllamaEmulator();
    stack = await startStack({ emulator, env: { CHUNK_SIZE: '400', CHUNK_OVERLAP: '50' } });
  });
  after(async () => {
    await stack.close();
    await emulator.close();
  });

  for (const [what, make, code] of [
    ['an encrypted PDF', () => makeEncryptedPdf(['Secret minutes of the board.']), 'encrypted'],
    ['a corrupt PDF', async () => makeCorruptPdf(), 'corrupt'],
  ] as const) {
    it(`fails ${what} at once with a readable reason and no retry`, async () => {
      const res = await upload(stack, [{ name: `${code}.pdf`, bytes: await make() }]);
      assert.equal(res.status, 202);
      const doc = await stack.waitForStatus(res.body.documents![0]!.id, ['failed', 'ready']);
      assert.equal(doc.status, 'failed');
      assert.equal(doc.error!.code, code);
      assert.equal(doc.error!.retryable, false);
      assert.ok(doc.error!.message.length > 10 && !/Exception|at \w+ \(/.test(doc.error!.message), doc.error!.message);
      const row = stack.services.documentsRepository.get(doc.id)!;
      assert.equal(row.attempts, 1, 'not retried');
      assert.equal((await stack.fetch(`/health`)).status, 200, 'the process stays up');
    });
  }

  it('keeps a document waiting while Ollama is down and finishes it with exactly the expected chunks once it is back', async () => {
    const bytes = await makePdf([LONG_PAGE, LONG_PAGE.replace(/reservoir/g, 'spillway')]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rag-expect-')), 'x.pdf');
    fs.writeFileSync(file, bytes);
    const expected = chunkDocument(await parseFile(file, 'pdf', { timeoutMs: 30_000, maxMemoryMb: 512 }), { size: 400, overlap: 50 }).length;

    await emulator.down();
    const res = await upload(stack, [{ name: 'dam.pdf', bytes }]);
    const id = res.body.documents![0]!.id;
    const waiting = await stack.waitForStatus(id, ['queued'], 10_000).then(async () => {
      for (;;) {
        const d = stack.services.documentsRepository.get(id)!;
        if (d.stage === 'waiting') return d;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    assert.equal(waiting.error_code, 'ollama_unavailable');
    assert.match(waiting.error_message!, /Ollama is unreachable/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.notEqual(stack.services.documentsRepository.get(id)!.status, 'failed', 'waiting is not failing');

    await emulator.up();
    const ready = await stack.waitForStatus(id, ['ready', 'failed'], 30_000);
    assert.equal(ready.status, 'ready');
    assert.equal(ready.chunkCount, expected);
    assert.equal(stack.services.chunks.countForDocument(id), expected);
    assert.equal(await stack.services.vectors.countForDocument(id), expected);
  });

  it('answers 503 saying Ollama is unreachable when a question arrives while Ollama is down', async () => {
    await emulator.down();
    try {
      const res = await stack.fetch(`/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'What screens protect the turbine intake?' }),
      });
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'ollama_unavailable');
      assert.match(body.error.message, /Ollama is unreachable/);
      const ready = await stack.fetch(`/ready`);
      assert.equal(ready.status, 503);
      const checks = ((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks;
      assert.equal(checks.ollama!.ok, false);
      assert.equal(checks.chroma!.ok, true);
    } finally {
      await emulator.up();
    }
  });

  it('aborts the Ollama request when the client goes away mid-answer', async () => {
    emulator.faults.tokenDelayMs = 100;
    try {
      const controller = new AbortController();
      const res = await stack.fetch(`/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'What about the spillway sediment and intake screens?' }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      const abortedBefore = emulator.stats.streams.aborted;
      controller.abort();
      await emulator.whenIdle();
      assert.equal(emulator.stats.streams.aborted, abortedBefore + 1);
    } finally {
      emulator.faults.tokenDelayMs = 0;
    }
  });
});

describe('readiness when Chroma is down', () => {
  it('answers 503 from /ready naming Chroma, and 200 from /health', async () => {
    const chroma = await startLocalChroma({
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'rag-chroma-down-')),
      port: 30000 + Math.floor(Math.random() * 10000),
      logger: createLogger({ log: { level: 'silent' } }),
    });
    const stack = await startStack({ env: { CHROMA_URL: chroma.url } });
    try {
      assert.equal((await stack.fetch(`/ready`)).status, 200);
      await chroma.stop();
      const res = await stack.fetch(`/ready`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
      assert.equal(body.checks.chroma!.ok, false);
      assert.match(body.checks.chroma!.error!, /Chroma is unreachable/);
      assert.equal(body.checks.ollama!.ok, true);
      assert.equal((await stack.fetch(`/health`)).status, 200);
    } finally {
      await stack.close();
      await chroma.stop();
    }
  });
});
