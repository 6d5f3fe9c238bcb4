import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { PermanentIngestError } from '../ingest.errors.ts';

/** Bounds for an archive (a DOCX is a zip) checked before any parser inflates it. */
export interface ZipBounds {
  /** Most bytes all its parts may expand to, together. */
  maxExpandedBytes: number;
  /** Most parts it may hold. */
  maxEntries: number;
  /** Largest expansion (uncompressed / compressed) of a part bigger than 1 MB. */
  maxRatio: number;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MB = 1024 * 1024;

/**
 * Checks a zip archive before it is inflated: its central directory (the number of parts, the
 * sizes they declare, how much each expands), then the real expanded size of the parts a parser
 * reads (XML), by inflating them as a stream that is counted and thrown away, so a header that
 * lies costs no memory either. Throws PermanentIngestError 'too_large' for a decompression bomb,
 * 'corrupt' for a damaged archive.
 */
export async function checkZip(filePath: string, bounds: ZipBounds, describe = 'the file'): Promise<void> {
  const limitMb = Math.round(bounds.maxExpandedBytes / MB);
  const tooLarge = (detail: string) =>
    new PermanentIngestError('too_large', `${describe} expands to more than ${limitMb} MB (${detail}); it may be a decompression bomb, and is not read`);
  const entries = await readCentralDirectory(filePath, bounds.maxEntries, describe);
  let declared = 0;
  for (const entry of entries) {
    declared += entry.size;
    if (declared > bounds.maxExpandedBytes) throw tooLarge('by the sizes its parts declare');
    if (entry.size > MB && entry.size > entry.compressedSize * bounds.maxRatio) {
      throw tooLarge(`${entry.name} expands more than ${bounds.maxRatio} times`);
    }
  }
  let expanded = 0;
  const file = await open(filePath, 'r');
  try {
    for (const entry of entries) {
      if (!/\.(xml|rels)$/i.test(entry.name)) continue; // media is never inflated by the text parser
      const start = await dataStart(file, entry, describe);
      const actual = await inflatedSize(filePath, entry, start, bounds.maxExpandedBytes - expanded);
      if (actual === null) throw tooLarge(`reached while inflating ${entry.name}`);
      if (actual !== entry.size) throw corrupt(describe, `${entry.name} is not the size its header says`);
      expanded += actual;
    }
  } finally {
    await file.close();
  }
}

function corrupt(describe: string, detail: string): PermanentIngestError {
  return new PermanentIngestError('corrupt', `${describe} is damaged or incomplete and could not be read (${detail})`);
}

async function readCentralDirectory(filePath: string, maxEntries: number, describe: string): Promise<ZipEntry[]> {
  const file = await open(filePath, 'r');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(file, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt(describe, 'not a zip archive');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
      const record = await readAt(file, Number(tail.readBigUInt64LE(eocd - 20 + 8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) throw corrupt(describe, 'bad zip64 directory');
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    if (count > maxEntries) {
      throw new PermanentIngestError('too_large', `${describe} holds ${count} parts, more than the ${maxEntries} allowed; it is not read`);
    }
    if (cdOffset + cdSize > size) throw corrupt(describe, 'the zip directory points past the end of the file');
    const cd = await readAt(file, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) throw corrupt(describe, 'bad zip directory entry');
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const entry: ZipEntry = {
        name: cd.toString('utf8', at + 46, at + 46 + nameLength),
        method: cd.readUInt16LE(at + 10),
        compressedSize: cd.readUInt32LE(at + 20),
        size: cd.readUInt32LE(at + 24),
        localHeaderOffset: cd.readUInt32LE(at + 42),
      };
      applyZip64Extra(entry, cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

// Sizes and offsets too large for 32 bits are in the zip64 extra field, in this order.
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number | undefined => {
        if (field + 8 > at + 4 + length) return undefined;
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + length;
  }
}

async function dataStart(file: FileHandle, entry: ZipEntry, describe: string): Promise<number> {
  const header = await readAt(file, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw corrupt(describe, `bad local header for ${entry.name}`);
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** Bytes the entry inflates to, counted as they stream by; null once past `budget`. */
async function inflatedSize(filePath: string, entry: ZipEntry, start: number, budget: number): Promise<number | null> {
  if (entry.method === 0) return entry.compressedSize <= budget ? entry.compressedSize : null;
  if (entry.method !== 8) return entry.size; // a method the parser cannot read either; it fails there
  if (entry.compressedSize === 0) return 0;
  const source = createReadStream(filePath, { start, end: start + entry.compressedSize - 1 });
  const inflate = createInflateRaw();
  let total = 0;
  return new Promise<number | null>((resolve) => {
    const finish = (result: number | null) => {
      source.destroy();
      inflate.destroy();
      resolve(result);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) finish(null);
    });
    inflate.on('end', () => finish(total));
    // A damaged stream: what it expanded to so far is its size; the parser reports the damage.
    inflate.on('error', () => finish(total));
    source.on('error', () => finish(total));
    source.pipe(inflate);
  });
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
