import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { DocumentDto } from '../contracts/documents.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { HOSTILE_NAMES } from '../../test/support/hostile-names.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';
import { BOUNDARY, chunked, filePart, httpRequest, multipartBody, rawRequest, type RawPart } from '../../test/support/raw-http.ts';

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(120, 0x90)]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const MULTIPART = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

interface UploadBody {
  documents?: (DocumentDto & { duplicate: boolean })[];
  error?: { code: string; message: string };
}

describe('hostile uploads', () => {
  let stack: TestStack;
  let guard: StackGuard;
  let serial = 0;
  const distinctPdf = () => makePdf([`Hostile upload test document number ${++serial}, with its own bytes.`]);
  const send = async (body: Buffer, headers: Record<string, string> = MULTIPART) => {
    const res = await stack.fetch('/api/v1/documents', { method: 'POST', headers, body });
    const raw = await res.text();
    return { status: res.status, raw, body: JSON.parse(raw) as UploadBody };
  };
  const documentCount = () => (stack.services.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
  const port = () => Number(new URL(stack.baseUrl).port);

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  /** Asserts a refused upload: status, code, message, and that nothing was stored. */
  async function assertRefused(send: () => Promise<{ status: number; body: UploadBody }>, status: number, code: string, message: RegExp) {
    const count = documentCount();
    const res = await send();
    assert.equal(res.status, status, JSON.stringify(res.body));
    const error = res.body.error!;
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.equal(documentCount(), count, 'a document row was stored');
  }

  for (const c of HOSTILE_NAMES) {
    it(`answers ${c.status} to the name ${c.label}${c.stored ? ` and keeps it as ${JSON.stringify(c.stored).slice(0, 60)}` : ''}`, async () => {
      const bytes = await distinctPdf();
      const part: RawPart = { headers: [Buffer.concat([Buffer.from('Content-Disposition: form-data; name="files"; '), Buffer.from(c.header)]), 'Content-Type: application/pdf'], body: bytes };
      if (!c.stored) return assertRefused(() => send(multipartBody([part])), c.status, c.code!, c.message!);

      const res = await send(multipartBody([part]));
      assert.equal(res.status, 202, res.raw);
      assert.ok(!res.raw.includes('<img'), `the upload answer carries raw HTML: ${res.raw.slice(0, 300)}`);
      const doc = res.body.documents![0]!;
      assert.equal(doc.filename, c.stored);
      await assertStoredSafely(doc, bytes, c.stored);
    });
  }

  /** The name is clean wherever it is shown; the bytes live only at documents/<sha[0:2]>/<sha>. */
  async function assertStoredSafely(doc: DocumentDto, bytes: Buffer, expected: string) {
    assert.ok(!CONTROL_OR_BIDI.test(doc.filename) && !/[\\/]/.test(doc.filename) && doc.filename.length <= 200, JSON.stringify(doc.filename));
    assert.equal(doc.filename, doc.filename.normalize('NFC'));

    const one = await stack.fetch(`/api/v1/documents/${doc.id}`);
    const oneRaw = await one.text();
    assert.equal((JSON.parse(oneRaw) as DocumentDto).filename, expected);
    const list = await (await stack.fetch('/api/v1/documents?limit=200')).text();
    const audit = await (await stack.fetch('/api/v1/admin/audit?limit=200')).text();
    for (const raw of [oneRaw, list, audit]) assert.ok(!raw.includes('<img') && !raw.includes('\u202e'), `raw HTML or bidi in a JSON answer: ${raw.slice(0, 200)}`);

    const file = await stack.fetch(`/api/v1/documents/${doc.id}/file`);
    assert.equal(file.status, 200);
    // The name as RFC 6266 wants it: a printable-ASCII fallback, then the exact name percent-encoded.
    const rfc5987 = encodeURIComponent(expected).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
    const ascii = expected.replace(/[^\x20-\x7e]|["\\]/g, '_');
    assert.equal(file.headers.get('content-disposition'), `inline; filename="${ascii}"; filename*=UTF-8''${rfc5987}`);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-security-policy') ?? '', /^sandbox/);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);

    const stored = stack.services.files.pathFor(doc.sha256);
    assert.equal(stored, `${stack.config.paths.documents}/${doc.sha256.slice(0, 2)}/${doc.sha256}`);
    assert.deepEqual(fs.readFileSync(stored), bytes);
  }

  it('answers 415 to a .pdf whose bytes are an ELF program', async () => {
    await assertRefused(() => upload(stack, [{ name: 'report.pdf', bytes: ELF }]), 415, 'unsupported_media_type', /^report\.pdf is not a PDF: its bytes look like an executable program \(ELF\)$/);
  });

  it('answers 415 to a .pdf whose bytes are a PNG image', async () => {
    await assertRefused(() => upload(stack, [{ name: 'scan.pdf', bytes: PNG }]), 415, 'unsupported_media_type', /^scan\.pdf is not a PDF: its bytes look like a PNG image$/);
  });

  it('answers 400 to a multipart body that ends before its closing boundary (chunked, complete HTTP request)', async () => {
    const full = multipartBody([filePart('cut.pdf', await distinctPdf())]);
    const count = documentCount();
    const head = httpRequest('POST', '/api/v1/documents', { ...MULTIPART, authorization: `Bearer ${stack.token}`, 'transfer-encoding': 'chunked' });
    const res = await rawRequest(port(), Buffer.concat([head, chunked(full.subarray(0, full.length - 200))]));
    assert.equal(res?.status, 400);
    assert.deepEqual(JSON.parse(res!.body), { error: { code: 'invalid_upload', message: 'the multipart body is malformed or incomplete' } });
    assert.equal(documentCount(), count);
  });

  it('answers 400 to a multipart body cut short with a matching Content-Length', async () => {
    const full = multipartBody([filePart('cut.pdf', await distinctPdf())]);
    await assertRefused(() => send(full.subarray(0, full.length - 200)), 400, 'invalid_upload', /^the multipart body is malformed or incomplete$/);
  });

  for (const cut of ['end', 'destroy'] as const) {
    it(`keeps nothing when the client ${cut === 'end' ? 'half-closes' : 'drops'} the connection in the middle of a file`, async () => {
      const full = multipartBody([filePart('gone.pdf', await distinctPdf())]);
      const count = documentCount();
      const head = httpRequest('POST', '/api/v1/documents', { ...MULTIPART, authorization: `Bearer ${stack.token}`, 'content-length': String(full.length) });
      const res = await rawRequest(port(), Buffer.concat([head, full]), { endAfter: head.length + Math.floor(full.length / 2), cut });
      // Node's server answers a half-closed, incomplete request with a bare 400; a dropped one gets nothing.
      if (cut === 'end') assert.equal(res?.status, 400);
      else assert.equal(res, null);
      assert.equal(documentCount(), count);
    });
  }

  it('answers 400 to a part header followed at once by the closing boundary', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="h.pdf"\r\n--${BOUNDARY}--\r\n`);
    await assertRefused(() => send(body), 400, 'invalid_upload', /^the multipart body is malformed or incomplete$/);
  });

  it('answers 400 to a part header, a blank line and at once the closing boundary', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="h.pdf"\r\n\r\n--${BOUNDARY}--\r\n`);
    await assertRefused(() => send(body), 400, 'invalid_upload', /^the multipart body is malformed or incomplete$/);
  });

  it('answers 400 to a file part with an empty body', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="h.pdf"\r\n\r\n\r\n--${BOUNDARY}--\r\n`);
    await assertRefused(() => send(body), 400, 'empty_file', /^h\.pdf is empty$/);
  });

  it('answers 400 to a form field with an empty name', async () => {
    const body = multipartBody([{ headers: ['Content-Disposition: form-data; name=""'], body: 'value' }, filePart('named.pdf', await distinctPdf())]);
    await assertRefused(() => send(body), 400, 'invalid_upload', /^a form part has no field name$/);
  });

  it('answers 400 to a file part with an empty field name', async () => {
    const body = multipartBody([filePart('named.pdf', await distinctPdf(), '')]);
    await assertRefused(() => send(body), 400, 'invalid_upload', /^a form part has no field name$/);
  });

  it('answers 400 to a form field name over 100 bytes', async () => {
    const body = multipartBody([{ headers: [`Content-Disposition: form-data; name="${'n'.repeat(101)}"`], body: 'v' }, filePart('named.pdf', await distinctPdf())]);
    await assertRefused(() => send(body), 400, 'invalid_upload', /^a form field name is too long$/);
  });

  it('serves an uploaded HTML page with a script only as a sandboxed download', async () => {
    const page = '<!DOCTYPE html><html><head><title>Notice</title></head><body><p>Read me.</p><script>fetch("/api/v1/admin/users")</script></body></html>';
    const res = await upload(stack, [{ name: 'notice.html', bytes: page }]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const file = await stack.fetch(`/api/v1/documents/${res.body.documents![0]!.id}/file`);
    assert.equal(await file.text(), page);
    assert.equal(file.headers.get('content-disposition'), `attachment; filename="notice.html"; filename*=UTF-8''notice.html`);
    assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(file.headers.get('content-security-policy') ?? '', /^sandbox; default-src 'none'/);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers 400 to 1,000 form fields', async () => {
    const parts = Array.from({ length: 1000 }, (_, i): RawPart => ({ headers: [`Content-Disposition: form-data; name="f${i}"`], body: 'v' }));
    await assertRefused(() => send(multipartBody(parts)), 400, 'invalid_upload', /^too many form fields$/);
  });

  it('answers 400 to 1,000 file parts', async () => {
    const pdf = await distinctPdf();
    const parts = Array.from({ length: 1000 }, (_, i) => filePart(`many-${i}.pdf`, pdf));
    await assertRefused(() => send(multipartBody(parts)), 400, 'invalid_upload', /^too many files in one upload$/);
  });

  it('answers 400 to multipart without a boundary', async () => {
    await assertRefused(() => send(Buffer.from('x'), { 'content-type': 'multipart/form-data' }), 400, 'invalid_upload', /^the multipart body is malformed or incomplete$/);
  });
});

describe('an upload limited to one file', () => {
  let stack: TestStack;
  let guard: StackGuard;

  before(async () => {
    stack = await startStack({ env: { UPLOAD_MAX_FILES: '1' } });
    guard = await guardStack(stack);
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  it('answers 400 to a second file and keeps neither', async () => {
    const count = () => (stack.services.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    const before = count();
    const files = [
      { name: 'first.pdf', bytes: await makePdf(['The first of two files.']) },
      { name: 'second.pdf', bytes: await makePdf(['The second of two files.']) },
    ];
    const res = await upload(stack, files);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body, { error: { code: 'invalid_upload', message: 'too many files in one upload' } });
    assert.equal(count(), before);
  });

  it('still takes one file', async () => {
    const res = await upload(stack, [{ name: 'only.pdf', bytes: await makePdf(['The only file of this upload.']) }]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });
});
