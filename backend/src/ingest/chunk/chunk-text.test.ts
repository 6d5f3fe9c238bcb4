import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Chunk, ParsedDocument } from '../parse/parse.types.ts';
import { chunkDocument, chunkDocumentYielding } from './chunk-text.ts';

const sentence = (i: number) => `Sentence ${i} explains how the turbine intake screen is cleaned.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');
const textDoc = (text: string): ParsedDocument => ({ pages: [{ page: null, text }], pageCount: null });
const OPTS = { size: 300, overlap: 60 };

function assertWellFormed(chunks: Chunk[], size: number): void {
  chunks.forEach((c, i) => {
    assert.equal(c.index, i, 'indexes are dense from 0');
    assert.ok(c.text.length <= size, `chunk ${i} is ${c.text.length} > ${size}`);
    assert.ok(/\S/.test(c.text) && c.text === c.text.trim(), `chunk ${i} is blank or untrimmed`);
  });
}

describe('chunkDocument', () => {
  it('packs whole paragraphs up to the size and splits long ones at sentence ends', () => {
    const text = [paragraph(0, 2), paragraph(2, 12), paragraph(14, 1)].join('\n\n');
    const chunks = chunkDocument(textDoc(text), { size: 300, overlap: 0 });
    assertWellFormed(chunks, 300);
    assert.ok(chunks.length >= 4);
    for (const c of chunks) assert.match(c.text, /^Sentence \d+ .*\.$/s, 'every chunk starts and ends on a sentence boundary');
    // Without overlap, the chunks put back together are the text.
    assert.equal(chunks.map((c) => c.text).join(' ').replace(/\s+/g, ' '), text.replace(/\s+/g, ' '));
  });

  it('starts each later chunk with the tail of the previous one, cut at a sentence or word', () => {
    const chunks = chunkDocument(textDoc(paragraph(0, 20)), OPTS);
    assertWellFormed(chunks, OPTS.size);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!.text;
      const shared = longestSharedPrefixSuffix(prev, chunks[i]!.text);
      assert.ok(shared.length > 0 && shared.length <= OPTS.overlap, `chunk ${i} overlap is ${shared.length} chars`);
      assert.ok(prev.endsWith(shared) && /(^|\s)$/.test(prev.slice(0, prev.length - shared.length)), 'overlap starts at a word');
    }
  });

  it('starts the overlap at a sentence when one begins within the overlap window', () => {
    // Sentences are ~66 characters, so a 100-character window always holds a sentence start.
    const chunks = chunkDocument(textDoc(paragraph(0, 20)), { size: 300, overlap: 100 });
    assert.ok(chunks.length > 3);
    for (const c of chunks.slice(1)) assert.match(c.text, /^Sentence \d+ /);
  });

  it('never lets a chunk cross a PDF page, so each chunk has exactly one page', () => {
    const doc: ParsedDocument = {
      pages: [
        { page: 1, text: paragraph(0, 3) },
        { page: 2, text: 'Unique words on page two only.' },
        { page: 3, text: paragraph(100, 9) },
      ],
      pageCount: 3,
      headings: 'none',
    };
    const chunks = chunkDocument(doc, OPTS);
    assertWellFormed(chunks, OPTS.size);
    assert.deepEqual(chunks.filter((c) => c.page === 2).map((c) => c.text), ['Unique words on page two only.']);
    assert.ok(chunks.filter((c) => c.page === 1).every((c) => /Sentence [0-2] /.test(c.text)));
    assert.ok(chunks.filter((c) => c.page === 3).every((c) => /Sentence 10\d /.test(c.text)));
  });

  it('carries the current Markdown heading on each chunk and never mixes sections', () => {
    const text = `Preface text.\n\n# Pumps\n\n${paragraph(0, 10)}\n\n## Cleaning the screen ##\n\nShort section.\n\n\`\`\`sh\n# a shell comment, not a heading\nls\n\`\`\``;
    const chunks = chunkDocument(textDoc(text), OPTS);
    assertWellFormed(chunks, OPTS.size);
    assert.deepEqual(chunks[0], { index: 0, text: 'Preface text.', page: null, heading: null });
    const pumps = chunks.filter((c) => c.heading === 'Pumps');
    assert.ok(pumps.length >= 3 && pumps.every((c) => c.text.startsWith('Sentence') || /^\S/.test(c.text)));
    assert.ok(pumps.every((c) => !c.text.includes('Short section')));
    const last = chunks.at(-1)!;
    assert.equal(last.heading, 'Cleaning the screen');
    assert.match(last.text, /^Short section\.\n\n```sh\n# a shell comment, not a heading\nls\n```$/);
  });

  it('reads # lines as text when the document says it has no Markdown headings', () => {
    const chunks = chunkDocument({ pages: [{ page: 1, text: '# R comment\nx <- 1' }], pageCount: 1, headings: 'none' }, OPTS);
    assert.deepEqual(chunks, [{ index: 0, text: '# R comment\nx <- 1', page: 1, heading: null }]);
  });

  it('splits a sentence longer than the size at words, and a word longer than the size by a hard cut', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const blob = 'x'.repeat(750);
    const chunks = chunkDocument(textDoc(`${words}\n\n${blob}`), { size: 100, overlap: 20 });
    assertWellFormed(chunks, 100);
    assert.ok(chunks.filter((c) => c.text.startsWith('word')).every((c) => /^word\d+( word\d+)*$/.test(c.text)), 'cut between words');
    assert.deepEqual(chunks.filter((c) => c.text.startsWith('x')).map((c) => c.text.length), [100, 100, 100, 100, 100, 100, 100, 50]);
  });

  it('never splits a surrogate pair when cutting hard', () => {
    const chunks = chunkDocument(textDoc('😀'.repeat(120)), { size: 101, overlap: 0 });
    for (const c of chunks) assert.doesNotThrow(() => encodeURIComponent(c.text));
  });

  it('is deterministic and gives no chunks for blank pages', () => {
    const doc: ParsedDocument = { pages: [{ page: 1, text: ' \n\n ' }, { page: 2, text: paragraph(0, 30) }], pageCount: 2 };
    const first = chunkDocument(doc, OPTS);
    assert.deepEqual(chunkDocument(doc, OPTS), first);
    assert.ok(first.every((c) => c.page === 2));
  });

  it('gives the same chunks when it lets the event loop go between pages, and does let it go', async () => {
    const doc: ParsedDocument = { pages: Array.from({ length: 120 }, (_, i) => ({ page: i + 1, text: paragraph(i, 8) })), pageCount: 120, headings: 'none' };
    // Work queued before it starts runs before it ends only if it gives the event loop a turn.
    let queuedWorkRan = false;
    setImmediate(() => (queuedWorkRan = true));
    const chunks = await chunkDocumentYielding(doc, OPTS);
    assert.ok(queuedWorkRan, 'the event loop turned while chunking');
    assert.deepEqual(chunks, chunkDocument(doc, OPTS));
  });

  it('rejects an overlap not smaller than the size, and sizes under 100', () => {
    assert.throws(() => chunkDocument(textDoc('x'), { size: 200, overlap: 200 }), /overlap/);
    assert.throws(() => chunkDocument(textDoc('x'), { size: 99, overlap: 0 }), /size/);
    assert.throws(() => chunkDocument(textDoc('x'), { size: 200, overlap: -1 }), /overlap/);
  });

  // A guard against quadratic behaviour (which would take minutes here), not a benchmark.
  it('chunks several megabytes of text in linear time', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `## Part ${i}\n\n${paragraph(i, 20)}\n\n${paragraph(i, 5)}`).join('\n\n');
    const started = performance.now();
    const chunks = chunkDocument(textDoc(text), { size: 1200, overlap: 200 });
    const ms = performance.now() - started;
    assert.ok(text.length > 4_000_000 && chunks.length >= 6000, `${text.length} chars, ${chunks.length} chunks`);
    assert.ok(ms < 10_000, `${Math.round(ms)} ms`);
  });
});

/** The longest string that ends `a` and starts `b`. */
function longestSharedPrefixSuffix(a: string, b: string): string {
  for (let n = Math.min(a.length, b.length); n > 0; n--) if (b.startsWith(a.slice(a.length - n))) return a.slice(a.length - n);
  return '';
}
