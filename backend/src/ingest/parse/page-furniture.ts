import type { ParsedPage } from './parse.types.ts';

/** Lines looked at from each end of a page: a running header or footer is one or two lines. */
const EDGE_LINES = 2;
/** Longer lines are text, not furniture. */
const MAX_FURNITURE_CHARS = 120;
/** A document needs this many pages with text before repetition can tell furniture from text. */
const MIN_PAGES = 3;
/** A line repeated (digits aside) at the edge of at least this share of pages is furniture. */
const REPEATED_SHARE = 0.5;
/** A page-number offset shared by at least this share of pages marks numbered headers. */
const NUMBERING_SHARE = 0.25;

/** Longer lines that end in a number are a footnote or text, not a numbered header. */
const MAX_NUMBERED_CHARS = 80;

// "12", "xiv" (lower case: "C" alone is an index letter), "Page 12", "12 / 233", "Page 12 of 233", "- 12 -".
const PAGE_NUMBER_ONLY = /^[-–—\s]*(?:[Pp]age\s+)?(?:\d{1,5}|[ivxlcdm]{1,8})(?:\s*(?:\/|of)\s*\d{1,5})?[-–—\s]*$/;
const LEADING_NUMBER = /^(\d{1,5})\b/;
const TRAILING_NUMBER = /\b(\d{1,5})$/;
const N_OF_M = /\b(\d{1,5})\s*(?:\/|of)\s*\d{1,5}\b/i;

interface EdgeLine {
  /** Index of the line in the page's lines. */
  index: number;
  text: string;
  signature: string;
  offsets: number[];
}

/**
 * Removes running headers and footers from PDF pages: lines at the top or bottom of a page that
 * are a bare page number ("12", "xiv", "Page 3 of 9"), that carry the page's number the way most
 * pages do ("Chapter 3: Objects 15", "callCC 69", "Manual 57 / 233": the number minus the page's
 * index is the same on many pages), or that repeat, digits aside, at the edge of most pages.
 * Only lines from the edge inwards are dropped, never a page's only line; pages keep their number.
 */
export function removePageFurniture(pages: ParsedPage[]): ParsedPage[] {
  const split = pages.map((p) => p.text.split('\n'));
  const edges = split.map((lines, i) => edgeLines(lines, pages[i]!.page));
  const withText = split.filter((lines) => lines.some((l) => l.trim())).length;
  if (withText < MIN_PAGES) return pages;

  const signatureCounts = countOncePerPage(edges.map((e) => e.map((l) => l.signature)));
  const offsetCounts = countOncePerPage(edges.map((e) => e.flatMap((l) => l.offsets.map(String))));
  const repeated = Math.max(MIN_PAGES, Math.ceil(withText * REPEATED_SHARE));
  const numbered = Math.max(MIN_PAGES, Math.ceil(withText * NUMBERING_SHARE));
  const isFurniture = (line: EdgeLine) =>
    PAGE_NUMBER_ONLY.test(line.text) ||
    line.offsets.some((o) => (offsetCounts.get(String(o)) ?? 0) >= numbered) ||
    (signatureCounts.get(line.signature) ?? 0) >= repeated;

  return pages.map((page, i) => {
    const lines = split[i]!;
    const drop = furnitureIndexes(lines, edges[i]!, isFurniture);
    if (drop.size === 0) return page;
    const kept = lines.filter((_, j) => !drop.has(j));
    return { page: page.page, text: kept.join('\n').trim() };
  });
}

/** The first and last EDGE_LINES non-blank lines of a page (each once), with what identifies them. */
function edgeLines(lines: string[], page: number | null): EdgeLine[] {
  const filled = lines.flatMap((text, index) => (text.trim() ? [index] : []));
  const picked = [...new Set([...filled.slice(0, EDGE_LINES), ...filled.slice(-EDGE_LINES)])];
  return picked.flatMap((index) => {
    const text = lines[index]!.trim();
    if (text.length > MAX_FURNITURE_CHARS) return [];
    const numbers = [LEADING_NUMBER.exec(text)?.[1], TRAILING_NUMBER.exec(text)?.[1], N_OF_M.exec(text)?.[1]];
    const offsets = page === null || text.length > MAX_NUMBERED_CHARS ? [] : [...new Set(numbers.filter((n) => n !== undefined).map((n) => page - Number(n)))];
    return [{ index, text, signature: text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' '), offsets }];
  });
}

/** Lines to drop: furniture lines reached from the top or the bottom without crossing text. */
function furnitureIndexes(lines: string[], edges: EdgeLine[], isFurniture: (l: EdgeLine) => boolean): Set<number> {
  const byIndex = new Map(edges.map((e) => [e.index, e]));
  const filled = lines.flatMap((text, index) => (text.trim() ? [index] : []));
  const drop = new Set<number>();
  for (const order of [filled.slice(0, EDGE_LINES), filled.slice(-EDGE_LINES).reverse()]) {
    for (const index of order) {
      const edge = byIndex.get(index);
      if (!edge || !isFurniture(edge)) break;
      drop.add(index);
    }
  }
  // A page that would be left empty keeps its text: it has no furniture, only content.
  return drop.size >= filled.length ? new Set() : drop;
}

function countOncePerPage(keysPerPage: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const keys of keysPerPage) for (const key of new Set(keys)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
