import assert from 'node:assert/strict';
import { after, describe, it, mock } from 'node:test';
import { makePdf, removeTempFiles, writeTemp } from '../../../test/support/fixtures.ts';
import { extractDocument } from './extract-document.ts';
import type { ParsedPage } from './parse.types.ts';

const LIMITS = { maxExpandedBytes: 256 * 1024 * 1024 };

describe('extractDocument (in this thread, as the parser process runs it)', () => {
  after(removeTempFiles);

  it('never fetches anything over the network, even for standard fonts', async () => {
    // makePdf uses Helvetica without embedding it, so pdf.js needs its standard font data.
    const file = await writeTemp('helvetica.pdf', await makePdf(['Fonts come from the local disk.']));
    const fetchSpy = mock.method(globalThis, 'fetch', () => Promise.reject(new Error('network access attempted')));
    try {
      const pages: ParsedPage[] = [];
      const count = await extractDocument(file, 'pdf', (batch) => pages.push(...batch), LIMITS);
      assert.equal(count, 1);
      assert.deepEqual(pages, [{ page: 1, text: 'Fonts come from the local disk.' }]);
      assert.equal(fetchSpy.mock.callCount(), 0);
    } finally {
      fetchSpy.mock.restore();
    }
  });

  it('hands PDF pages over in order, in batches, without losing any', async () => {
    const texts = Array.from({ length: 120 }, (_, i) => `Page ${i + 1} of the pump manual.`);
    const file = await writeTemp('long.pdf', await makePdf(texts));
    const batches: ParsedPage[][] = [];
    const count = await extractDocument(file, 'pdf', (batch) => batches.push(batch), LIMITS);
    assert.equal(count, 120);
    assert.ok(batches.length > 1, 'more than one batch');
    const pages = batches.flat();
    assert.deepEqual(pages.map((p) => p.page), texts.map((_, i) => i + 1));
    assert.deepEqual(pages.map((p) => p.text), texts);
  });

  it('joins words a PDF hyphenated across lines', async () => {
    const file = await writeTemp('hyphen.pdf', await makePdf(['It is recommended that analyses con-\nducted with R use separate folders.']));
    const pages: ParsedPage[] = [];
    await extractDocument(file, 'pdf', (batch) => pages.push(...batch), LIMITS);
    assert.equal(pages[0]!.text, 'It is recommended that analyses conducted with R use separate folders.');
  });
});
