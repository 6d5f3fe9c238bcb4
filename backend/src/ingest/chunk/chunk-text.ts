import type { Chunk, ChunkOptions, ParsedDocument } from '../parse/parse.types.ts';
import { isSpace, splitIntoAtoms } from './split-text.ts';

/** Lines longer than this are text that happens to start with `#`, not headings. */
const MAX_HEADING_CHARS = 300;
const HEADING_LINE = /^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SENTENCE_PUNCTUATION = /[.!?…。！？]/;

interface Section {
  heading: string | null;
  start: number;
  end: number;
}

/**
 * Cuts a parsed document into retrievable chunks: sections at Markdown headings (each chunk
 * keeps its heading), paragraphs packed up to `size` characters, long paragraphs cut at
 * sentences, then lines, words, and a hard cut as the last resort. Each chunk after the
 * first of a section starts with up to `overlap` characters of its predecessor, cut at a
 * sentence or word start. A chunk never spans two pages. Indexes are dense from 0, and the
 * same input always gives the same chunks.
 */
export function chunkDocument(doc: ParsedDocument, opts: ChunkOptions): Chunk[] {
  return [...chunkPages(doc, opts)].flat();
}

/** Pages chunked between two turns of the event loop by chunkDocumentYielding. */
const PAGES_PER_TURN = 50;

/** chunkDocument for the api's process: the same chunks, with the event loop let go every few pages. */
export async function chunkDocumentYielding(doc: ParsedDocument, opts: ChunkOptions): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  let pages = 0;
  for (const pageChunks of chunkPages(doc, opts)) {
    chunks.push(...pageChunks);
    if (++pages % PAGES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return chunks;
}

/** The chunks of each page in turn. */
function* chunkPages(doc: ParsedDocument, opts: ChunkOptions): Generator<Chunk[]> {
  assertOptions(opts);
  const markdown = doc.headings !== 'none';
  let heading: string | null = null;
  let index = 0;
  for (const page of doc.pages) {
    const chunks: Chunk[] = [];
    for (const section of splitSections(page.text, markdown, heading)) {
      heading = section.heading;
      for (const text of chunkRange(page.text, section.start, section.end, opts)) {
        chunks.push({ index: index++, text, page: page.page, heading: section.heading });
      }
    }
    yield chunks;
  }
}

function assertOptions({ size, overlap }: ChunkOptions): void {
  if (!Number.isInteger(size) || size < 100) {
    throw new RangeError(`chunk size must be an integer of at least 100 characters, got ${size}`);
  }
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new RangeError(`chunk overlap must be an integer from 0 to less than the size (${size}), got ${overlap}`);
  }
}

/** Body ranges of the text between heading lines; headings inside ``` fences are code. */
function splitSections(text: string, markdown: boolean, inherited: string | null): Section[] {
  if (!markdown) return [{ heading: inherited, start: 0, end: text.length }];
  const sections: Section[] = [];
  let heading = inherited;
  let bodyStart = 0;
  let inFence = false;
  for (let pos = 0; pos < text.length; ) {
    const newline = text.indexOf('\n', pos);
    const lineEnd = newline === -1 ? text.length : newline;
    const first = text.charCodeAt(pos);
    if ((first === 96 || first === 126) && /^(`{3,}|~{3,})/.test(text.slice(pos, pos + 3))) {
      inFence = !inFence;
    } else if (first === 35 && !inFence && lineEnd - pos <= MAX_HEADING_CHARS) {
      const match = HEADING_LINE.exec(text.slice(pos, lineEnd));
      const title = match?.[1]?.trim();
      if (title) {
        sections.push({ heading, start: bodyStart, end: pos });
        heading = title;
        bodyStart = lineEnd;
      }
    }
    pos = lineEnd + 1;
  }
  sections.push({ heading, start: bodyStart, end: text.length });
  return sections;
}

/** Packs the atoms of one section greedily into chunks of at most `size`, with overlap. */
function chunkRange(text: string, start: number, end: number, { size, overlap }: ChunkOptions): string[] {
  const atoms: number[] = [];
  splitIntoAtoms(text, start, end, size, atoms);
  const chunks: string[] = [];
  let prevStart = -1;
  let prevEnd = -1;
  for (let i = 0; i < atoms.length; ) {
    const atomEnd = atoms[i + 1] as number;
    let chunkStart = atoms[i] as number;
    if (prevEnd >= 0 && overlap > 0) {
      // The overlap may shrink so that the chunk still fits in `size` with its first atom.
      const from = Math.max(prevEnd - overlap, atomEnd - size, prevStart + 1);
      const overlapStart = findOverlapStart(text, from, prevEnd);
      if (overlapStart >= 0) chunkStart = overlapStart;
    }
    let j = i;
    while (j + 2 < atoms.length && (atoms[j + 3] as number) - chunkStart <= size) j += 2;
    const chunkEnd = atoms[j + 1] as number;
    chunks.push(text.slice(chunkStart, chunkEnd));
    prevStart = chunkStart;
    prevEnd = chunkEnd;
    i = j + 2;
  }
  return chunks;
}

/**
 * Where the overlap taken from text[from, to) should start: the first sentence or paragraph
 * start in the window (the longest overlap that reads as whole sentences), else the first
 * word start, else -1 (no overlap: the window lies inside one word).
 */
function findOverlapStart(text: string, from: number, to: number): number {
  let firstWord = -1;
  for (let q = Math.max(from, 1); q < to; q++) {
    if (isSpace(text.charCodeAt(q)) || !isSpace(text.charCodeAt(q - 1))) continue;
    if (firstWord === -1) firstWord = q;
    let k = q - 1;
    let newlines = 0;
    for (; k > 0 && isSpace(text.charCodeAt(k)); k--) if (text.charCodeAt(k) === 10) newlines++;
    if (newlines >= 2 || SENTENCE_PUNCTUATION.test(text[k] as string)) return q;
  }
  return firstWord;
}
