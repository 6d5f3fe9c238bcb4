import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { makePdf, removeTempFiles, writeTemp } from '../../../test/support/fixtures.ts';
import { extractPdfPages } from './parse-pdf.ts';
import type { RawPdfPage } from './parse-pdf.ts';

describe('extractPdfPages', () => {
  after(removeTempFiles);

  it('gives every page once and in order when it re-opens the document between batches', async () => {
    const texts = Array.from({ length: 45 }, (_, i) => `Inspection report page ${i + 1}.`);
    const file = await writeTemp('reopen.pdf', await makePdf(texts));
    const batches: RawPdfPage[][] = [];
    const count = await extractPdfPages(file, (batch) => batches.push(batch), { batchPages: 4, reopenEveryPages: 10 });
    assert.equal(count, 45);
    assert.equal(batches.length, 12);
    const pages = batches.flat();
    assert.deepEqual(pages.map((p) => p.page), texts.map((_, i) => i + 1));
    assert.deepEqual(pages.map((p) => p.text.trim()), texts);
  });

  it('handles a single-page PDF with a batch larger than the document', async () => {
    const file = await writeTemp('one.pdf', await makePdf(['Only page.']));
    const pages: RawPdfPage[] = [];
    assert.equal(await extractPdfPages(file, (batch) => pages.push(...batch)), 1);
    assert.deepEqual(pages.map((p) => p.page), [1]);
  });
});
