import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import type { LoadParameters } from 'pdf-parse';
import { PermanentIngestError } from '../ingest.errors.ts';

export interface PdfBatching {
  /** Pages extracted per call; each batch is handed on at once so no page list piles up here. */
  batchPages: number;
  /**
   * pdf.js keeps a proxy per page it has opened until the document is destroyed (about 5 KB
   * of heap per page, plus caches). Re-opening the document every so many pages keeps the
   * parser's memory flat however long the PDF is, for the price of re-reading its xref table.
   */
  reopenEveryPages: number;
}

const DEFAULT_BATCHING: PdfBatching = { batchPages: 50, reopenEveryPages: 500 };

export interface RawPdfPage {
  page: number;
  text: string;
}

/**
 * Extracts the text of every page of a PDF, in order, `onPages` receiving them in batches.
 * Returns the page count. Throws PermanentIngestError 'encrypted' or 'corrupt'.
 */
export async function extractPdfPages(
  filePath: string,
  onPages: (pages: RawPdfPage[]) => void,
  { batchPages, reopenEveryPages }: PdfBatching = DEFAULT_BATCHING,
): Promise<number> {
  const bytes = await readFile(filePath);
  let parser: PDFParse | undefined;
  let openedAt = 0;
  let total = Number.POSITIVE_INFINITY;
  try {
    for (let first = 1; first <= total; first += batchPages) {
      if (parser === undefined || first - openedAt >= reopenEveryPages) {
        await parser?.destroy();
        // pdf.js takes ownership of (detaches) the array it is given: hand it a fresh copy.
        parser = new PDFParse(loadParameters(new Uint8Array(bytes)));
        openedAt = first;
      }
      const result = await parser.getText({ first, last: first + batchPages - 1 });
      total = result.total;
      onPages(result.pages.map((p) => ({ page: p.num, text: p.text })));
    }
  } catch (error) {
    throw classifyPdfError(error);
  } finally {
    await parser?.destroy().catch(() => undefined);
  }
  return total;
}

function classifyPdfError(error: unknown): unknown {
  if (error instanceof PermanentIngestError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new PermanentIngestError('encrypted', 'the PDF is password-protected; remove the password and upload it again');
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new PermanentIngestError('corrupt', `the PDF is damaged or incomplete and could not be read (${detail})`);
}

let assetDirs: { cmaps: string; fonts: string } | undefined;

/** pdf.js's own CMaps and standard fonts, read from disk: nothing is ever fetched over a network. */
function pdfjsAssets(): { cmaps: string; fonts: string } {
  if (!assetDirs) {
    const requireFromPdfParse = createRequire(import.meta.resolve('pdf-parse'));
    const root = dirname(requireFromPdfParse.resolve('pdfjs-dist/package.json'));
    assetDirs = { cmaps: join(root, 'cmaps') + '/', fonts: join(root, 'standard_fonts') + '/' };
  }
  return assetDirs;
}

function loadParameters(data: Uint8Array): LoadParameters {
  const assets = pdfjsAssets();
  return {
    data,
    verbosity: 0, // errors only: warnings about odd fonts are noise for text extraction
    cMapUrl: assets.cmaps, // needed to map CJK text to Unicode
    cMapPacked: true,
    standardFontDataUrl: assets.fonts,
    useWorkerFetch: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWasm: false, // WebAssembly only decodes images, which text extraction never needs
    isEvalSupported: false, // a hostile PDF's functions are interpreted, never compiled
    isOffscreenCanvasSupported: false,
    enableXfa: false,
    stopAtErrors: false, // keep the text of good pages when one page is damaged
  };
}
