import type { DocumentKind, ParsedPage } from './parse.types.ts';
import { htmlToText } from './html-to-text.ts';
import { normalizeText } from './normalize-text.ts';
import { removePageFurniture } from './page-furniture.ts';
import { readUtf8 } from './parse-text.ts';
import { checkZip } from './zip-check.ts';

/** Parts a Word document may hold, and how much one part may expand (XML rarely passes 20x). */
const DOCX_MAX_ENTRIES = 10_000;
const DOCX_MAX_RATIO = 300;

/** Pages handed to the caller at a time. */
const PAGE_BATCH = 50;

/**
 * Extracts and normalises the text of one file, in this thread. `onPages` receives the pages
 * in order, possibly in several batches; the return value is the page count (null when the
 * format has no pages). Archives (DOCX) are checked against `maxExpandedBytes` before they are
 * inflated. parseFile runs this inside a capped child process: call it directly only from tests
 * or tools.
 */
export async function extractDocument(
  filePath: string,
  kind: DocumentKind,
  onPages: (pages: ParsedPage[]) => void,
  limits: { maxExpandedBytes: number },
): Promise<number | null> {
  // Parsers are loaded on demand: a worker reading a text file never loads pdf.js or mammoth.
  switch (kind) {
    case 'pdf': {
      const { extractPdfPages } = await import('./parse-pdf.ts');
      // Running headers and footers are found by comparing pages, so the pages' text (a few MB
      // for thousands of pages; pdf.js's own memory is still released batch by batch) is kept
      // until the end, then handed on in batches.
      const pages: ParsedPage[] = [];
      const count = await extractPdfPages(filePath, (batch) => {
        for (const p of batch) pages.push({ page: p.page, text: normalizeText(p.text, { dehyphenate: true }) });
      });
      const clean = removePageFurniture(pages);
      for (let i = 0; i < clean.length; i += PAGE_BATCH) onPages(clean.slice(i, i + PAGE_BATCH));
      return count;
    }
    case 'docx': {
      await checkZip(filePath, { maxExpandedBytes: limits.maxExpandedBytes, maxEntries: DOCX_MAX_ENTRIES, maxRatio: DOCX_MAX_RATIO }, 'the Word document');
      const { extractDocxText } = await import('./parse-docx.ts');
      onPages([{ page: null, text: normalizeText(await extractDocxText(filePath)) }]);
      return null;
    }
    case 'html':
      onPages([{ page: null, text: normalizeText(htmlToText(await readUtf8(filePath))) }]);
      return null;
    case 'txt':
    case 'md':
      onPages([{ page: null, text: normalizeText(await readUtf8(filePath)) }]);
      return null;
    default:
      return assertNever(kind);
  }
}

function assertNever(kind: never): never {
  throw new Error(`no parser for document kind ${String(kind)}`);
}
