import { contentWords } from '../retrieval/keywords.ts';

/** Longest snippet, in characters (the cut marks not counted). */
export const SNIPPET_MAX = 300;
/** A line longer than this is split at sentence ends, then at words, so prose and tables are cut alike. */
const SEGMENT_MAX = 160;
const CUT = '…';

interface Segment {
  start: number;
  end: number;
  words: string[];
}

/**
 * The part of a chunk that best shows the evidence for a question: the run of lines (or, inside a
 * long line, of sentences or word groups) no longer than SNIPPET_MAX that contains the most of the
 * question's words, starting at a line that matches (the one matching most, among equals). Works the same for prose, tables,
 * lists and code, none of which need sentence punctuation. A cut at either end is marked with "…".
 */
export function snippetFor(text: string, question: string): string {
  const segments = segment(text);
  if (segments.length === 0) return '';
  const wanted = contentWords(question, 64);
  const matches = segments.map((s) => new Set(wanted.filter((w) => s.words.some((word) => sameWord(w, word)))));

  const anyMatch = matches.some((m) => m.size > 0);
  let best = { from: 0, to: 0, covered: -1, lead: -1 };
  for (let from = 0; from < segments.length; from++) {
    if (anyMatch && matches[from]!.size === 0) continue;
    let to = from;
    while (to + 1 < segments.length && segments[to + 1]!.end - segments[from]!.start <= SNIPPET_MAX) to++;
    const covered = new Set<string>();
    for (let i = from; i <= to; i++) for (const w of matches[i]!) covered.add(w);
    const lead = matches[from]!.size;
    // More distinct question words wins, then a first line that matches more; ties keep the earlier start.
    if (covered.size > best.covered || (covered.size === best.covered && lead > best.lead)) best = { from, to, covered: covered.size, lead };
  }

  const start = segments[best.from]!.start;
  const end = Math.min(segments[best.to]!.end, start + SNIPPET_MAX);
  const body = flatten(text.slice(start, end));
  const cutEnd = end < segments.at(-1)!.end ? cutAtWord(body) : body;
  return `${start > segments[0]!.start ? CUT : ''}${cutEnd}${end < segments.at(-1)!.end ? CUT : ''}`;
}

/** Lines of the text, with long lines split at sentence ends and then between words. */
function segment(text: string): Segment[] {
  const out: Segment[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) out.push({ start, end, words: contentWords(text.slice(start, end), 256) });
  };
  for (const line of text.matchAll(/[^\n]+/g)) {
    const lineStart = line.index;
    const lineEnd = lineStart + line[0].length;
    if (line[0].length <= SEGMENT_MAX) {
      push(lineStart, lineEnd);
      continue;
    }
    let pieceStart = lineStart;
    for (let pos = lineStart; pos < lineEnd; pos++) {
      const atSentenceEnd = /[.!?;:]/.test(text[pos]!) && /\s/.test(text[pos + 1] ?? ' ');
      const tooLong = pos - pieceStart >= SEGMENT_MAX && /\s/.test(text[pos]!);
      if (atSentenceEnd || tooLong) {
        push(pieceStart, pos + 1);
        pieceStart = pos + 1;
      }
    }
    push(pieceStart, lineEnd);
  }
  return out;
}

/** The same word, or one is the other with an ending (eigenvalue / eigenvalues, replace / replacement). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short) && long.length - short.length <= 4;
}

function flatten(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Drops a word cut in half at the end, when there is a space to cut at. */
function cutAtWord(s: string): string {
  const space = s.lastIndexOf(' ');
  return space > s.length / 2 ? s.slice(0, space) : s;
}
