import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { makeDocx, makeHtml, makeMarkdown, makePdf, removeTempFiles, writeTemp } from '../../test/support/fixtures.ts';
import { UnsupportedMediaTypeError } from '../http/errors.ts';
import { detectKind, mimeTypeOf } from './file-type.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

async function rejection(bytes: Uint8Array | string, name: string): Promise<string> {
  const file = await writeTemp(name, bytes);
  const error = await detectKind(file, name).then(
    (kind) => assert.fail(`${name} was accepted as ${kind}`),
    (err: unknown) => err,
  );
  assert.ok(error instanceof UnsupportedMediaTypeError, String(error));
  assert.equal(error.status, 415);
  return error.message;
}

describe('detectKind', () => {
  let pdf: Buffer;
  let docx: Buffer;
  before(async () => {
    pdf = await makePdf(['A valid document.']);
    docx = await makeDocx([{ heading: 'Title', text: 'Body.' }]);
  });
  after(removeTempFiles);

  it('accepts each supported format whose bytes match its extension, in any letter case', async () => {
    const cases: Array<[string, Uint8Array | string, string]> = [
      ['report.pdf', pdf, 'pdf'],
      ['REPORT.PDF', pdf, 'pdf'],
      ['padded.pdf', Buffer.concat([Buffer.from('\uFEFF\r\n  ', 'utf8'), pdf]), 'pdf'],
      ['memo.docx', docx, 'docx'],
      ['notes.txt', 'plain words\n', 'txt'],
      ['bom.txt', '\uFEFFwith a byte order mark, été', 'txt'],
      ['readme.md', makeMarkdown('Readme', ['Hello.']), 'md'],
      ['guide.markdown', '# Guide\n', 'md'],
      ['page.html', makeHtml('Page', ['Hello.']), 'html'],
      ['frag.htm', '\n\n  <DIV>fragment</DIV>', 'html'],
    ];
    for (const [name, bytes, kind] of cases) {
      assert.equal(await detectKind(await writeTemp(name, bytes), name), kind, name);
    }
  });

  it('accepts a UTF-8 text whose first 64 KB end in the middle of a character', async () => {
    const text = `${'a'.repeat(65_535)}é and more`;
    assert.equal(await detectKind(await writeTemp('long.txt', text), 'long.txt'), 'txt');
  });

  it('rejects an empty file', async () => {
    assert.match(await rejection('', 'empty.pdf'), /empty\.pdf is empty/);
  });

  it('rejects an unknown or missing extension, naming what is accepted', async () => {
    assert.match(await rejection('a,b\n', 'table.csv'), /\.csv files are not supported; upload a PDF, DOCX/);
    assert.match(await rejection('text', 'README'), /without an extension/);
  });

  it('rejects a PNG or an ELF program named .pdf and says what the bytes are', async () => {
    assert.equal(await rejection(PNG, 'scan.pdf'), 'scan.pdf is not a PDF: its bytes look like a PNG image');
    assert.equal(await rejection(ELF, 'tool.pdf'), 'tool.pdf is not a PDF: its bytes look like an executable program (ELF)');
  });

  it('rejects plain text named .pdf', async () => {
    assert.match(await rejection('just words', 'fake.pdf'), /not a PDF: its bytes look like plain text/);
  });

  it('rejects a PDF named .docx', async () => {
    assert.equal(await rejection(pdf, 'memo.docx'), 'memo.docx is not a Word document (DOCX): its bytes look like a PDF');
  });

  it('rejects a zip that holds no Word document, and says what a DOCX named .pdf is', async () => {
    assert.equal(
      await rejection(storedZip({ 'data.csv': 'a,b' }), 'archive.docx'),
      'archive.docx is not a Word document (DOCX): its bytes look like a ZIP archive that holds no Word document',
    );
    assert.match(await rejection(storedZip({ 'xl/workbook.xml': '<x/>' }), 'sheet.docx'), /an Excel workbook/);
    assert.equal(await rejection(docx, 'memo.pdf'), 'memo.pdf is not a PDF: its bytes look like a Word document (DOCX)');
  });

  it('finds word/document.xml behind a long zip comment', async () => {
    const zip = storedZip({ '[Content_Types].xml': '<x/>', 'word/document.xml': '<w/>' }, 'c'.repeat(60_000));
    assert.equal(await detectKind(await writeTemp('commented.docx', zip), 'commented.docx'), 'docx');
  });

  it('rejects a truncated zip named .docx', async () => {
    assert.match(await rejection(docx.subarray(0, 200), 'cut.docx'), /a damaged or incomplete ZIP archive/);
  });

  it('rejects binary data, UTF-16 and invalid UTF-8 named as text', async () => {
    assert.match(await rejection(ELF, 'prog.txt'), /prog\.txt is not a UTF-8 text file: its bytes look like an executable program/);
    assert.match(await rejection(Buffer.from('abc\u0000def'), 'nul.md'), /binary data \(NUL bytes\)/);
    assert.match(await rejection(Buffer.from('\uFEFFhi', 'utf16le'), 'wide.txt'), /UTF-16 text; save it as UTF-8/);
    assert.match(await rejection(Buffer.from([0x68, 0x69, 0xc3, 0x28]), 'latin.txt'), /not UTF-8 text/);
    assert.match(await rejection(pdf, 'doc.txt'), /its bytes look like a PDF/);
  });

  it('rejects a text file named .html that has no HTML in it', async () => {
    assert.match(await rejection('no markup here at all', 'page.html'), /page\.html is not an HTML page: it contains no HTML tags/);
  });
});

describe('mimeTypeOf', () => {
  it('gives the registered MIME type of each kind', () => {
    assert.equal(mimeTypeOf('pdf'), 'application/pdf');
    assert.equal(mimeTypeOf('docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.match(mimeTypeOf('md'), /^text\/markdown/);
  });
});

/** A ZIP archive with uncompressed entries and an optional archive comment. */
function storedZip(entries: Record<string, string>, comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}
