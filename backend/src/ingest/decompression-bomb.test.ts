import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { writeDocxBomb, writePdfBomb } from '../../test/support/bombs.ts';
import { makePdf, removeTempFiles, writeTemp } from '../../test/support/fixtures.ts';
import { peakResidentBytes, watchDescendants } from '../../test/support/process-memory.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import type { DocumentDto } from '../contracts/documents.ts';

const MB = 1024 * 1024;
const CAP_MB = 200;
const PAGE = (n: number) => Array.from({ length: 20 }, (_, i) => `Page ${n} line ${i} on drumlins and glacial striations.`).join(' ');

describe('decompression bombs uploaded to the product (api and worker in this process)', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ env: { PARSE_MAX_MEMORY_MB: String(CAP_MB), CHUNK_SIZE: '300', CHUNK_OVERLAP: '40' } });
  });
  after(async () => {
    await stack.close();
    await removeTempFiles();
  });

  it('fails a 1.2 GB PDF bomb and DOCX bomb for good, near the memory cap, while chat and other uploads go on', async (t) => {
    const pdfBomb = await writeTemp('expanding.pdf', '');
    await writePdfBomb(pdfBomb, 1200 * MB);
    const docxBomb = await writeTemp('expanding.docx', '');
    await writeDocxBomb(docxBomb, 1200 * MB);
    const before = peakResidentBytes('self');
    const parsers = watchDescendants(process.pid, 'parse.child');

    const bombs = (await upload(stack, [
      { name: 'expanding.pdf', bytes: await readFile(pdfBomb) },
      { name: 'expanding.docx', bytes: await readFile(docxBomb) },
    ])).body.documents!;
    const [pdfId, docxId] = [bombs[0]!.id, bombs[1]!.id];

    // While the PDF bomb is being parsed, a question is answered and an ordinary upload is ingested.
    await waitFor(() => {
      const row = stack.services.documentsRepository.get(pdfId)!;
      return row.stage === 'parsing' || row.status === 'failed' || row.status === 'ready';
    }, 'the PDF bomb being parsed');
    const answer = await stack.fetch('/api/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What do glacial striations show?', stream: false }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    const ordinary = (await upload(stack, [{ name: 'drumlins.pdf', bytes: await makePdf([PAGE(1), PAGE(2), PAGE(3)]) }])).body.documents![0]!;

    const pdf = await stack.waitForStatus(pdfId, ['ready', 'failed'], 240_000);
    const docx = await stack.waitForStatus(docxId, ['ready', 'failed'], 240_000);
    const fine = await stack.waitForStatus(ordinary.id, ['ready', 'failed'], 240_000);
    parsers.stop();

    assertPermanent(pdf, 'parse_memory', /the file expands to more than 200 MB/);
    assertPermanent(docx, 'too_large', /the Word document expands to more than 200 MB/);
    assert.equal(fine.status, 'ready', JSON.stringify(fine.error));
    assert.equal(await stack.services.vectors.countForDocument(fine.id), fine.chunkCount);
    assert.equal(stack.services.chunks.ftsCountForDocument(fine.id), fine.chunkCount);

    const parserPeakMb = parsers.peak() / MB;
    const productGrowthMb = (peakResidentBytes('self') - before) / MB;
    t.diagnostic(`parser peak (sampled) ${parserPeakMb.toFixed(0)} MB with a ${CAP_MB} MB cap; product process grew ${productGrowthMb.toFixed(0)} MB`);
    assert.ok(parsers.seen() >= 3, 'every file was parsed in a process of its own');
    assert.ok(parserPeakMb < CAP_MB + 150, `a parser process peaked at ${parserPeakMb} MB`);
    assert.ok(productGrowthMb < 150, `the product process grew by ${productGrowthMb} MB`);
  });
});

function assertPermanent(doc: DocumentDto, code: string, message: RegExp): void {
  assert.equal(doc.status, 'failed', `${doc.filename} ended ${doc.status}`);
  assert.equal(doc.error?.code, code, doc.error?.message);
  assert.equal(doc.error?.retryable, false);
  assert.match(doc.error!.message, message);
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
