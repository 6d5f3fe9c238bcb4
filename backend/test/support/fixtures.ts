/**
 * Test documents generated on the fly, so no binary fixtures live in the repository.
 *
 *   makePdf(pages)            one text page per entry ('' gives a page without text)
 *   makePdfWithFurniture(bodies, furniture)  the same, with a running header and footer on every page
 *   makeEncryptedPdf(pages)   the same, locked with ENCRYPTED_PDF_PASSWORD (needs `qpdf`)
 *   makeCorruptPdf()          starts like a PDF, is not one
 *   makeDocx(paragraphs)      Word document, optional Heading 1 before each paragraph
 *   makeHtml / makeMarkdown   a page with a title and paragraphs
 *   writeTemp(name, bytes)    writes into a fresh temp folder; removeTempFiles() deletes them all
 *   debianFile(path, pkg)     a file a Debian package installs (real manuals); fails naming the package
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const run = promisify(execFile);
const tempDirs: string[] = [];

const PAGE_WIDTH = 612;
const MIN_PAGE_HEIGHT = 792;
const MARGIN = 54;
const FONT_SIZE = 11;
const LEADING = 14;

/** The user password of makeEncryptedPdf's output. */
export const ENCRYPTED_PDF_PASSWORD = 'user-secret';

/**
 * A PDF with one page per entry, the text wrapped into lines as a word processor would, so
 * pdf.js extracts it as running sentences. Helvetica: the text must be Latin-1 (WinAnsi).
 * A page grows taller rather than letting text run off it.
 */
export async function makePdf(pages: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN;
  for (const text of pages) {
    const lines = text.split('\n').flatMap((paragraph) => wrap(paragraph, (s) => font.widthOfTextAtSize(s, FONT_SIZE), maxWidth));
    const height = Math.max(MIN_PAGE_HEIGHT, lines.length * LEADING + 2 * MARGIN);
    const page = pdf.addPage([PAGE_WIDTH, height]);
    lines.forEach((line, i) => {
      if (line) page.drawText(line, { x: MARGIN, y: height - MARGIN - (i + 1) * LEADING, size: FONT_SIZE, font });
    });
  }
  return Buffer.from(await pdf.save());
}

/**
 * Like makePdf, plus a running header at the top margin and a footer at the bottom margin of
 * every page, made from the page's number and the page count (as word processors print them).
 */
export async function makePdfWithFurniture(
  bodies: string[],
  furniture: { header: (page: number, pages: number) => string; footer: (page: number, pages: number) => string },
): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN;
  bodies.forEach((text, i) => {
    const lines = text.split('\n').flatMap((paragraph) => wrap(paragraph, (s) => font.widthOfTextAtSize(s, FONT_SIZE), maxWidth));
    const height = Math.max(MIN_PAGE_HEIGHT, (lines.length + 4) * LEADING + 2 * MARGIN);
    const page = pdf.addPage([PAGE_WIDTH, height]);
    const size = FONT_SIZE - 2;
    page.drawText(furniture.header(i + 1, bodies.length), { x: MARGIN, y: height - MARGIN / 2, size, font });
    lines.forEach((line, j) => {
      if (line) page.drawText(line, { x: MARGIN, y: height - MARGIN - (j + 1) * LEADING, size: FONT_SIZE, font });
    });
    page.drawText(furniture.footer(i + 1, bodies.length), { x: MARGIN, y: MARGIN / 2, size, font });
  });
  return Buffer.from(await pdf.save());
}

function wrap(paragraph: string, width: (s: string) => number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && width(candidate) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

/** makePdf's document encrypted with AES-256 and a user password (ENCRYPTED_PDF_PASSWORD). */
export async function makeEncryptedPdf(pages: string[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'rag-qpdf-'));
  try {
    const plain = join(dir, 'plain.pdf');
    const locked = join(dir, 'locked.pdf');
    await writeFile(plain, await makePdf(pages));
    await run('qpdf', ['--encrypt', ENCRYPTED_PDF_PASSWORD, 'owner-secret', '256', '--', plain, locked]).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? missingPackage('the command qpdf', 'qpdf') : err;
    });
    return await readFile(locked);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A file with a PDF header, a truncated object and garbage: no parser can read it. */
export function makeCorruptPdf(): Buffer {
  const garbage = Buffer.alloc(2048);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 17) % 251;
  return Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R', 'latin1'), garbage]);
}

/** A Word document: for each entry an optional Heading 1, then the text as a paragraph. */
export async function makeDocx(paragraphs: { heading?: string; text: string }[]): Promise<Buffer> {
  const children = paragraphs.flatMap(({ heading, text }) => [
    ...(heading ? [new Paragraph({ text: heading, heading: HeadingLevel.HEADING_1 })] : []),
    new Paragraph({ text }),
  ]);
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

/** An HTML page: the title as <title> and <h1>, each paragraph as <p> (text is escaped). */
export function makeHtml(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `    <p>${escapeHtml(p)}</p>`).join('\n');
  return `<!DOCTYPE html>\n<html lang="en">\n  <head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n  <body>\n    <h1>${escapeHtml(title)}</h1>\n${body}\n  </body>\n</html>\n`;
}

/** A Markdown page: `# title`, then the paragraphs separated by blank lines. */
export function makeMarkdown(title: string, paragraphs: string[]): string {
  return `# ${title}\n\n${paragraphs.join('\n\n')}\n`;
}

/** Writes `bytes` as `name` in a fresh folder under the OS temp dir; returns the path. */
export async function writeTemp(name: string, bytes: Uint8Array | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rag-test-'));
  tempDirs.push(dir);
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** Deletes every folder writeTemp created (call it in `after`). */
export async function removeTempFiles(): Promise<void> {
  const dirs = tempDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * `file`, which the Debian package `debianPackage` installs (`.ci/run` installs every such
 * package). When it is absent the test fails with a message naming the package, instead of
 * with whatever the code under test makes of a missing file.
 */
export function debianFile(file: string, debianPackage: string): string {
  if (!existsSync(file)) throw missingPackage(file, debianPackage);
  return file;
}

function missingPackage(what: string, debianPackage: string): Error {
  return new Error(`${what} is missing: it comes from the Debian package ${debianPackage} (apt-get install ${debianPackage}; .ci/run installs it)`);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
