import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { makePdfWithFurniture, removeTempFiles, writeTemp } from '../../../test/support/fixtures.ts';
import { chunkDocument } from '../chunk/chunk-text.ts';
import { parseFile } from './parse-file.ts';
import { removePageFurniture } from './page-furniture.ts';
import type { ParsedPage } from './parse.types.ts';

// Each page's own text: different words on every page, as in a real document.
const TOPICS = ['intake screen', 'bearing grease', 'rotor balance', 'oil filter', 'seal ring', 'drain cock', 'fan belt', 'coolant level'];
const ACTIONS = ['Clean', 'Inspect', 'Replace', 'Tighten', 'Measure', 'Drain', 'Adjust', 'Record'];
const body = (n: number) => `${ACTIONS[n % 8]} the ${TOPICS[n % 8]} after ${3 + n} hours.\nWrite down what ${TOPICS[(n + 3) % 8]} looked like.`;
const pagesOf = (texts: string[], first = 1): ParsedPage[] => texts.map((text, i) => ({ page: first + i, text }));

describe('removePageFurniture', () => {
  it('drops chapter headers and bare page numbers that follow the page count, as in a typeset manual', () => {
    // Book layout: even pages show a bare number, odd pages "Chapter ...: title N"; the printed
    // number runs 6 behind the PDF's page index because of the front matter.
    const texts = Array.from({ length: 8 }, (_, i) => {
      const printed = i + 15 - 6;
      const header = (i + 15) % 2 === 0 ? `${printed}` : `Chapter 3: Objects, their modes and attributes ${printed}`;
      return `${header}\n${body(i)}`;
    });
    const clean = removePageFurniture(pagesOf(texts, 15));
    assert.deepEqual(clean.map((p) => p.text), Array.from({ length: 8 }, (_, i) => body(i)));
    assert.deepEqual(clean.map((p) => p.page), [15, 16, 17, 18, 19, 20, 21, 22]);
  });

  it('drops reference-manual headers made of a topic name and the page number on either side', () => {
    const topics = ['callCC', 'callCC', 'CallExternal', 'CallExternal', 'capabilities', 'cat'];
    const texts = topics.map((t, i) => ((100 + i) % 2 === 0 ? `${t} ${69 + i}` : `${69 + i} ${t}`) + `\n${body(i)}`);
    assert.deepEqual(removePageFurniture(pagesOf(texts, 100)).map((p) => p.text), topics.map((_, i) => body(i)));
  });

  it('drops a repeated title line and a "page N of M" footer', () => {
    const texts = Array.from({ length: 5 }, (_, i) => `ACME Pump Handbook (confidential)\n${body(i)}\nPage ${i + 1} of 5`);
    assert.deepEqual(removePageFurniture(pagesOf(texts)).map((p) => p.text), Array.from({ length: 5 }, (_, i) => body(i)));
  });

  it('keeps text that only looks like furniture: numbers inside the page, unique edge lines, one-line pages', () => {
    const texts = [
      `Valve table\n${body(1)}\n42`,
      `2 litres of oil per stage\n${body(2)}`,
      `Close valve V3.\n${body(3)}\nx <- 1:10`,
      'Page 4 of the pump manual.',
      'Page 5 of the pump manual.',
      'Page 6 of the pump manual.',
    ];
    const clean = removePageFurniture(pagesOf(texts));
    assert.equal(clean[0]!.text, `Valve table\n${body(1)}`, 'a bare number at the foot of a page is a page number');
    assert.deepEqual(clean.slice(1).map((p) => p.text), texts.slice(1));
  });

  it('leaves documents of fewer than three pages alone', () => {
    const texts = ['Manual 1 / 2\nFirst.', 'Manual 2 / 2\nSecond.'];
    assert.deepEqual(removePageFurniture(pagesOf(texts)).map((p) => p.text), texts);
  });
});

describe('PDF ingestion without page furniture', () => {
  after(removeTempFiles);

  it('keeps running headers and footers out of the chunks of a generated PDF, and each chunk on its page', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => body(i + 1));
    const file = await writeTemp(
      'furniture.pdf',
      await makePdfWithFurniture(bodies, { header: (n, m) => `Turbine Service Manual   ${n} / ${m}`, footer: (n) => `- ${n} -` }),
    );
    const parsed = await parseFile(file, 'pdf', { timeoutMs: 60_000, maxMemoryMb: 256 });
    const chunks = chunkDocument(parsed, { size: 1200, overlap: 200 });
    assert.equal(chunks.length, 6);
    for (const [i, chunk] of chunks.entries()) {
      assert.equal(chunk.page, i + 1);
      assert.doesNotMatch(chunk.text, /Turbine Service Manual|\/ 6|- \d -/, `chunk on page ${chunk.page}: ${chunk.text}`);
      assert.equal(chunk.text, bodies[i]);
    }
  });
});
