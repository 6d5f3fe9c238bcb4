/**
 * Decompression bombs for the parser's memory tests: small files that expand to `expandedBytes`
 * of filler. The filler is deflated as a stream, 1 MB at a time, so making a 1 GB bomb never
 * holds more than its compressed form (a few MB) in memory.
 */
import { writeFile } from 'node:fs/promises';
import { crc32, createDeflate, createDeflateRaw } from 'node:zlib';

const CHUNK = 1024 * 1024;

/** Deflates `head`, then `fillerBytes` of `fill`, then `tail`; returns the compressed bytes and the CRC-32 of the input. */
async function deflateStream(head: string, fill: number, fillerBytes: number, tail: string, options: { raw: boolean; level: number }) {
  const deflate = options.raw ? createDeflateRaw({ level: options.level }) : createDeflate({ level: options.level });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  const write = async (bytes: Buffer) => {
    crc = crc32(bytes, crc);
    if (!deflate.write(bytes)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(head, 'latin1'));
  const filler = Buffer.alloc(CHUNK, fill);
  for (let left = fillerBytes; left > 0; left -= CHUNK) await write(left >= CHUNK ? filler : filler.subarray(0, left));
  await write(Buffer.from(tail, 'latin1'));
  deflate.end();
  await ended;
  return { data: Buffer.concat(out), crc, size: Buffer.byteLength(head, 'latin1') + fillerBytes + Buffer.byteLength(tail, 'latin1') };
}

/**
 * A one-page PDF whose FlateDecode content stream shows a line of text, then expands to
 * `expandedBytes` of NUL bytes (whitespace to a PDF reader).
 */
export async function writePdfBomb(path: string, expandedBytes: number, level = 1): Promise<number> {
  const stream = await deflateStream('BT /F1 12 Tf 72 720 Td (A small file that expands enormously.) Tj ET\n', 0, expandedBytes, '\n', { raw: false, level });
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  const push = (b: Buffer) => {
    parts.push(b);
    at += b.length;
  };
  objects.forEach((body, i) => {
    offsets.push(at);
    push(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1'));
  });
  offsets.push(at);
  push(Buffer.from(`5 0 obj\n<< /Length ${stream.data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'));
  push(stream.data);
  push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const xref = at;
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  push(Buffer.from(`xref\n0 6\n0000000000 65535 f \n${rows}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  const file = Buffer.concat(parts);
  await writeFile(path, file);
  return file.length;
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

/**
 * A Word document whose word/document.xml holds a paragraph, then expands to `expandedBytes` of
 * spaces. `declaredBytes` (default: the truth) is the size its zip headers claim for that part,
 * for a bomb that lies about itself; `extraParts` adds that many empty parts.
 */
export async function writeDocxBomb(path: string, expandedBytes: number, options: { declaredBytes?: number; level?: number; extraParts?: number } = {}): Promise<number> {
  const document = await deflateStream(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>A small file that expands enormously.</w:t></w:r></w:p>`, 0x20, expandedBytes, '</w:body></w:document>', { raw: true, level: options.level ?? 1 });
  const entries = [
    { name: '[Content_Types].xml', ...(await deflateStream(CONTENT_TYPES, 0, 0, '', { raw: true, level: 6 })) },
    { name: '_rels/.rels', ...(await deflateStream(RELS, 0, 0, '', { raw: true, level: 6 })) },
    { name: 'word/document.xml', ...document, size: options.declaredBytes ?? document.size },
  ];
  const empty = await deflateStream('', 0, 0, '', { raw: true, level: 6 });
  for (let i = 0; i < (options.extraParts ?? 0); i++) entries.push({ name: `customXml/item${i}.bin`, ...empty });
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  const file = Buffer.concat([...locals, directory, end]);
  await writeFile(path, file);
  return file.length;
}
