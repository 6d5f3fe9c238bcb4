import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UnsupportedMediaTypeError } from '../http/errors.ts';
import type { DocumentKind } from '../ingest/parse/parse.types.ts';

const HEAD_BYTES = 64 * 1024;
const PDF_HEADER_WINDOW = 1024;
const HTML_SNIFF_CHARS = 4096;
const ZIP_TAIL_BYTES = 65_535 + 22; // the longest ZIP comment plus the end-of-directory record
const MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024;

const KIND_BY_EXTENSION: Record<string, DocumentKind> = {
  pdf: 'pdf', docx: 'docx', txt: 'txt', md: 'md', markdown: 'md', html: 'html', htm: 'html',
};

const MIME_TYPES: Record<DocumentKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

const EXPECTED: Record<DocumentKind, string> = {
  pdf: 'a PDF', docx: 'a Word document (DOCX)', txt: 'a UTF-8 text file', md: 'a UTF-8 Markdown file', html: 'an HTML page',
};

const HTML_MARKER = /<(?:!doctype\s+html|html|head|body|title|meta|p|div|span|a|h[1-6]|table|ul|ol|li|br|section|article|main|header|nav)[\s/>]/i;

/** The MIME type a stored document of this kind is served with. */
export function mimeTypeOf(kind: DocumentKind): string {
  return MIME_TYPES[kind];
}

/**
 * What kind of document a file is: its name's extension says what it claims to be, and its
 * bytes must agree. Throws UnsupportedMediaTypeError with a plain explanation otherwise.
 */
export async function detectKind(filePath: string, originalName: string): Promise<DocumentKind> {
  const name = basename(originalName);
  const extension = extname(name).slice(1).toLowerCase();
  const kind = KIND_BY_EXTENSION[extension];
  if (!kind) {
    const what = extension ? `.${extension} files are` : 'files without an extension are';
    throw new UnsupportedMediaTypeError(`${name}: ${what} not supported; upload a PDF, DOCX, TXT, Markdown or HTML file`);
  }
  const file = await open(filePath, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new UnsupportedMediaTypeError(`${name} is empty`);
    const head = await readAt(file, 0, Math.min(size, HEAD_BYTES));
    const problem = await checkBytes(kind, head, file, size);
    if (problem) throw new UnsupportedMediaTypeError(`${name} is not ${EXPECTED[kind]}: ${problem}`);
    return kind;
  } finally {
    await file.close();
  }
}

/** Why the bytes are not of `kind`, or null when they are. */
async function checkBytes(kind: DocumentKind, head: Buffer, file: FileHandle, size: number): Promise<string | null> {
  switch (kind) {
    case 'pdf':
      return hasPdfHeader(head) ? null : `its bytes look like ${await describeBytes(head, file, size)}`;
    case 'docx': {
      if (!startsWith(head, ZIP)) return `its bytes look like ${await describeBytes(head, file, size)}`;
      const zipKind = await describeZip(file, size);
      return zipKind === DOCX ? null : `its bytes look like ${zipKind}`;
    }
    case 'txt':
    case 'md':
      return textProblem(head, size);
    case 'html': {
      const problem = textProblem(head, size);
      if (problem) return problem;
      const start = new TextDecoder().decode(head.subarray(0, HTML_SNIFF_CHARS));
      return HTML_MARKER.test(start) ? null : 'it contains no HTML tags near its start';
    }
    default:
      return kind satisfies never;
  }
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const DOCX = 'a Word document (DOCX)';
const SIGNATURES: Array<[number[], string]> = [
  [ZIP, 'a ZIP archive'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable program (ELF)'],
  [[0x4d, 0x5a], 'a Windows program (EXE)'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'an old Office document (.doc, .xls); save it as DOCX'],
  [[0xff, 0xfe], 'UTF-16 text; save it as UTF-8'],
  [[0xfe, 0xff], 'UTF-16 text; save it as UTF-8'],
];

function signatureOf(head: Buffer): string | null {
  if (hasPdfHeader(head)) return 'a PDF';
  for (const [magic, label] of SIGNATURES) if (startsWith(head, magic)) return label;
  return null;
}

/** What the bytes look like, for "its bytes look like …". */
async function describeBytes(head: Buffer, file: FileHandle, size: number): Promise<string> {
  if (startsWith(head, ZIP)) return describeZip(file, size);
  const signature = signatureOf(head);
  if (signature) return signature;
  return textProblem(head, size) === null ? 'plain text' : 'binary data of a kind this product does not read';
}

/** PDF readers accept the `%PDF-` header after up to 1 KB of leading whitespace or a BOM. */
function hasPdfHeader(head: Buffer): boolean {
  const at = head.subarray(0, PDF_HEADER_WINDOW + 5).indexOf('%PDF-', 0, 'latin1');
  if (at === -1 || at > PDF_HEADER_WINDOW) return false;
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (; i < at; i++) if (![0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(head[i] as number)) return false;
  return true;
}

/** Why `head` (the first bytes of a `size`-byte file) is not UTF-8 text, or null if it is. */
function textProblem(head: Buffer, size: number): string | null {
  let problem: string | null = null;
  if (head.includes(0)) {
    problem = 'it contains binary data (NUL bytes)';
  } else {
    try {
      // A multi-byte character may straddle the end of the sample: stream mode allows that.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < size });
    } catch {
      problem = 'it is not UTF-8 text (save it as UTF-8)';
    }
  }
  // Some signatures are printable ("MZ", "GIF8"): name them only when the bytes are binary.
  const signature = signatureOf(head);
  if (signature && (problem || signature === 'a PDF')) return `its bytes look like ${signature}`;
  return problem;
}

/** Names the kind of ZIP-based file from its entries, read from the central directory. */
async function describeZip(file: FileHandle, size: number): Promise<string> {
  const names = await zipEntryNames(file, size);
  if (!names) return 'a damaged or incomplete ZIP archive';
  if (names.has('word/document.xml')) return DOCX;
  if (names.has('xl/workbook.xml')) return 'an Excel workbook (XLSX)';
  if (names.has('ppt/presentation.xml')) return 'a PowerPoint presentation (PPTX)';
  if (names.has('mimetype') && names.has('content.xml')) return 'an OpenDocument file (ODT, ODS)';
  return 'a ZIP archive that holds no Word document';
}

/**
 * Entry names of a ZIP file (ZIP64 included), or null if it has no readable central
 * directory. Reads only the tail of the file and the directory itself, never the contents.
 */
async function zipEntryNames(file: FileHandle, size: number): Promise<Set<string> | null> {
  const tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
  const tail = await readAt(file, tailStart, size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return null;
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) return null;
    const record = await readAt(file, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) return null;
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > size || directorySize > MAX_CENTRAL_DIRECTORY_BYTES) return null;
  const directory = await readAt(file, directoryOffset, directorySize);
  const names = new Set<string>();
  for (let p = 0; p + 46 <= directory.length && directory.readUInt32LE(p) === 0x02014b50; ) {
    const nameLength = directory.readUInt16LE(p + 28);
    names.add(directory.toString('utf8', p + 46, p + 46 + nameLength));
    p += 46 + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
  }
  return names;
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
