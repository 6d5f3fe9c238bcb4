/**
 * Splitting a range of text into "atoms": trimmed pieces no longer than `size`, cut at the
 * strongest boundary that works — paragraph, then sentence, line, word, and a hard cut as
 * the last resort. Ranges are [start, end) offsets into the original string, so the packer
 * can rebuild chunks with the text exactly as it was.
 */

// Levels of splitting, strongest boundary first; each indexes SEPARATORS.
const BY_SENTENCE = 0;
const HARD_CUT = 3;

const PARAGRAPH_BREAK = /\n[ \t]*\n\s*/g;
// Latin sentence ends need following whitespace; CJK full stops do not.
const SENTENCE_END = /[.!?…]+['"”’)\]]*(\s+)|[。！？]+['"”’」』)\]]*\s*/g;
const LINE_BREAK = /\n\s*/g;
const WORD_BREAK = /\s+/g;
const LOWERCASE = /\p{Ll}/u;
const SEPARATORS = [SENTENCE_END, LINE_BREAK, WORD_BREAK] as const;

/** Appends the atoms of text[start, end) to `atoms` as flat [start, end, start, end, …] pairs. */
export function splitIntoAtoms(text: string, start: number, end: number, size: number, atoms: number[]): void {
  for (const [s, e] of piecesOf(text, start, end, PARAGRAPH_BREAK)) {
    splitRange(text, s, e, BY_SENTENCE, size, atoms);
  }
}

function splitRange(text: string, start: number, end: number, level: number, size: number, atoms: number[]): void {
  if (end - start <= size) {
    atoms.push(start, end);
    return;
  }
  if (level === HARD_CUT) {
    hardCut(text, start, end, size, atoms);
    return;
  }
  const separator = SEPARATORS[level] as RegExp;
  const pieces = piecesOf(text, start, end, separator, level === BY_SENTENCE ? isSentenceBoundary : undefined);
  if (pieces.length <= 1) {
    splitRange(text, start, end, level + 1, size, atoms);
    return;
  }
  for (const [s, e] of pieces) splitRange(text, s, e, level + 1, size, atoms);
}

/** A "." followed by a lowercase word is an abbreviation ("e.g. this"), not a sentence end. */
function isSentenceBoundary(text: string, next: number, match: RegExpExecArray): boolean {
  return match[1] === undefined || next >= text.length || !LOWERCASE.test(text[next] as string);
}

/** Trimmed, non-empty pieces of text[start, end) between matches of `separator`. */
function piecesOf(
  text: string,
  start: number,
  end: number,
  separator: RegExp,
  accept?: (text: string, next: number, match: RegExpExecArray) => boolean,
): Array<[number, number]> {
  // Matching on the slice keeps each search inside the range: linear over the whole text.
  const slice = text.slice(start, end);
  const pieces: Array<[number, number]> = [];
  let pieceStart = 0;
  separator.lastIndex = 0;
  for (let m = separator.exec(slice); m !== null; m = separator.exec(slice)) {
    if (m[0].length === 0) {
      separator.lastIndex += 1;
      continue;
    }
    const next = m.index + m[0].length;
    if (accept && !accept(slice, next, m)) continue;
    pushTrimmed(slice, pieceStart, next, start, pieces);
    pieceStart = next;
  }
  pushTrimmed(slice, pieceStart, slice.length, start, pieces);
  return pieces;
}

function pushTrimmed(slice: string, s: number, e: number, offset: number, out: Array<[number, number]>): void {
  while (s < e && isSpace(slice.charCodeAt(s))) s++;
  while (e > s && isSpace(slice.charCodeAt(e - 1))) e--;
  if (e > s) out.push([s + offset, e + offset]);
}

function hardCut(text: string, start: number, end: number, size: number, atoms: number[]): void {
  let s = start;
  while (s < end) {
    let e = Math.min(s + size, end);
    // Never split a surrogate pair (an emoji, a rare CJK character) in two.
    if (e < end && isHighSurrogate(text.charCodeAt(e - 1))) e -= 1;
    atoms.push(s, e);
    s = e;
  }
}

/** Exactly the characters the regular expression `\s` matches. */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
