import { contentWords } from '../retrieval/keywords.ts';

/** Longest snippet, in characters (the cut marks not counted). */
export const SNIPPET_MAX = 600;
/** A line longer than this is split at sentence ends, then at words, so prose and tables are cut alike. */
const SEGMENT_MAX = 160;
/** Lines of context kept after a matching line. */
const CONTEXT_AFTER = 1;
const CUT = '…';

interface Segment {
  start: number;
  end: number;
  words: string[];
  text: string;
}

/**
 * The parts of a chunk that best show the evidence for a question. The chunk is cut into lines
 * (long lines into sentences or word groups, so prose, tables, lists and code are treated alike);
 * each line scores the question words it holds, a word weighing less the more lines of the chunk
 * have it, and words or code the question spells exactly ("round(0.5)", "on.exit") weighing more.
 * The best lines are taken with the CONTEXT_AFTER lines after each, best first, while they fit in
 * SNIPPET_MAX characters (a word already shown counts a quarter); lines after the last part fill
 * what room is left. The parts are shown in the order
 * of the text, and every cut — at either end or between parts — is marked with "…".
 */
export function snippetFor(text: string, question: string): string {
  const segments = segment(text);
  if (segments.length === 0) return '';
  const wanted = contentWords(question, 64);
  const literals = codeTokens(question);
  const matches = segments.map((s) => [
    ...wanted.filter((w) => s.words.some((word) => sameWord(w, word))),
    ...literals.filter((t) => s.text.toLowerCase().includes(t)).map((t) => `literal:${t}`),
  ]);
  const lines = (w: string) => matches.filter((m) => m.includes(w)).length;
  const weight = new Map<string, number>();
  for (const m of matches) for (const w of m) if (!weight.has(w)) weight.set(w, Math.log(1 + segments.length / lines(w)) * (w.startsWith('literal:') ? 2 : 1));

  const chosen = new Set<number>();
  const skipped = new Set<number>();
  const seen = new Set<string>();
  let length = 0;
  const size = (i: number) => segments[i]!.end - segments[i]!.start + 1;
  const value = (i: number) => matches[i]!.reduce((sum, w) => sum + (seen.has(w) ? 0.25 : 1) * weight.get(w)!, 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < segments.length; i++) if (!chosen.has(i) && !skipped.has(i) && value(i) > 0 && (best === -1 || value(i) > value(best))) best = i;
    if (best === -1) break;
    // The line with its context if that fits, else the line alone, else the next best line.
    const withContext = [best, ...Array.from({ length: CONTEXT_AFTER }, (_, j) => best + j + 1)].filter((i) => i < segments.length && !chosen.has(i));
    const add = [withContext, [best]].find((lines) => chosen.size === 0 || length + lines.reduce((sum, i) => sum + size(i), 0) <= SNIPPET_MAX);
    if (!add) {
      skipped.add(best);
      continue;
    }
    for (const i of add) chosen.add(i);
    for (const w of matches[best]!) seen.add(w);
    length += add.reduce((sum, i) => sum + size(i), 0);
  }
  // Nothing matched: the start of the chunk. Room left: the lines that follow the last part.
  if (chosen.size === 0) chosen.add(0);
  for (let i = Math.max(...chosen) + 1; i < segments.length && length + size(i) <= SNIPPET_MAX; i++) {
    chosen.add(i);
    length += size(i);
  }
  return render(text, segments, [...chosen].sort((a, b) => a - b));
}

/** The chosen lines in order, runs joined by spaces, gaps and ends marked, within SNIPPET_MAX. */
function render(text: string, segments: Segment[], chosen: number[]): string {
  let out = chosen[0]! > 0 ? CUT : '';
  let used = 0;
  for (const [n, i] of chosen.entries()) {
    if (n > 0) out += i === chosen[n - 1]! + 1 ? ' ' : ` ${CUT} `;
    const piece = flatten(text.slice(segments[i]!.start, segments[i]!.end));
    const room = SNIPPET_MAX - used;
    if (piece.length > room) return `${out}${cutAtWord(piece.slice(0, room))}${CUT}`;
    out += piece;
    used += piece.length + 1;
  }
  return chosen.at(-1)! < segments.length - 1 ? `${out}${CUT}` : out;
}

/** Lines of the text, with long lines split at sentence ends and then between words. */
function segment(text: string): Segment[] {
  const out: Segment[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) {
      const piece = text.slice(start, end);
      // Identifiers in code count as their parts too: testInstalledPackages -> test, installed, packages.
      const parts = piece.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').replace(/_/g, ' ');
      out.push({ start, end, text: piece, words: [...new Set([...contentWords(piece, 256), ...contentWords(parts, 256)])] });
    }
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

/** Words of the question written as code: with punctuation inside, like "round(0.5)", "on.exit", "R_LIBS". */
function codeTokens(question: string): string[] {
  const tokens = question.toLowerCase().match(/[^\s"'‘’“”]+/g) ?? [];
  return [...new Set(tokens.map((t) => t.replace(/^[([{]+|[)\]},;:?!.]+$/g, '')).filter((t) => t.length >= 3 && /[\p{L}\p{N}][^\p{L}\p{N}\s]+[\p{L}\p{N}(]/u.test(t)))];
}

const SUFFIX = /(?:ations?|ments?|ities|ity|ings?|ions?|ed|es|ly|s)$/;

/** The same word up to a common English ending (eigenvalues / eigenvalue, replacing / replace, equality / equal). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [x, y] = [stem(a), stem(b)];
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 4 && long.startsWith(short) && long.length - short.length <= 2;
}

function stem(word: string): string {
  return word.length > 5 ? word.replace(SUFFIX, '') : word;
}

function flatten(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Drops a word cut in half at the end, when there is a space to cut at. */
function cutAtWord(s: string): string {
  const space = s.lastIndexOf(' ');
  return space > s.length / 2 ? s.slice(0, space) : s;
}
