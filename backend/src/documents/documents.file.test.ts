import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DocumentChunksDto, DocumentDto, FileLinkDto } from '../contracts/documents.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { createFileLinks, FILE_LINK_TTL_S } from './file-links.ts';

const PDF_NAME = "Rapport (final) d'été 2025.pdf";
const HTML_NAME = 'notes.html';

describe('original files', () => {
  let stack: TestStack;
  let pdf: DocumentDto;
  let html: DocumentDto;

  before(async () => {
    stack = await startStack();
    const res = await upload(stack, [
      { name: PDF_NAME, bytes: await makePdf(['The annual report, page one.']) },
      { name: HTML_NAME, bytes: '<!DOCTYPE html><html><head><title>Notes</title><script>document.title = "ran"</script></head><body><p>Some notes about the weekly plan.</p></body></html>' },
    ]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    pdf = res.body.documents![0]!;
    html = res.body.documents![1]!;
  });
  after(() => stack.close());

  it('sends a PDF inline under its own name (RFC 6266 filename*, with an ASCII fallback)', async () => {
    const res = await stack.fetch(`/api/v1/documents/${pdf.id}/file`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(res.headers.get('content-disposition'), `inline; filename="Rapport (final) d'_t_ 2025.pdf"; filename*=UTF-8''Rapport%20%28final%29%20d%27%C3%A9t%C3%A9%202025.pdf`);
    assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox/);
  });

  it('never serves uploaded HTML as a page of this site: a text download, nosniff, sandboxed', async () => {
    const res = await stack.fetch(`/api/v1/documents/${html.id}/file`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="notes.html"; filename*=UTF-8''notes.html`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox; default-src 'none'/);
    assert.match(await res.text(), /<script>/, 'the bytes are the original ones');
  });

  it('gives a short-lived link, ending in the file name, that a tab opens without a token', async () => {
    const res = await stack.fetch(`/api/v1/documents/${pdf.id}/file-link`, { method: 'POST' });
    assert.equal(res.status, 200);
    const link = (await res.json()) as FileLinkDto;
    assert.match(link.url, new RegExp(`^/api/v1/documents/${pdf.id}/file/Rapport%20\\(final\\)%20d'%C3%A9t%C3%A9%202025\\.pdf\\?expires=\\d+&signature=`));
    const opened = await stack.fetch(link.url, { token: '' });
    assert.equal(opened.status, 200);
    assert.equal(opened.headers.get('content-type'), 'application/pdf');
    assert.match(opened.headers.get('content-disposition') ?? '', /^inline; /);
    assert.equal(Buffer.from(await opened.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  });

  it('refuses a link that is altered, for another document, or asked for without a token', async () => {
    const link = ((await (await stack.fetch(`/api/v1/documents/${pdf.id}/file-link`, { method: 'POST' })).json()) as FileLinkDto).url;
    const tampered = link.replace(/signature=(.)/, (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`);
    assert.equal((await stack.fetch(tampered, { token: '' })).status, 401);
    assert.equal((await stack.fetch(link.replace(pdf.id, html.id), { token: '' })).status, 401);
    assert.equal((await stack.fetch(link.replace(/expires=\d+/, 'expires=9999999999'), { token: '' })).status, 401);
    assert.equal((await stack.fetch(`/api/v1/documents/${pdf.id}/file-link`, { method: 'POST', token: '' })).status, 401);
    assert.equal((await stack.fetch(`/api/v1/documents/${pdf.id}/file`, { token: '' })).status, 401);
  });

  it('lets a link expire', () => {
    const links = createFileLinks('x'.repeat(32));
    const now = Date.parse('2026-01-01T00:00:00Z');
    const { expires, signature } = links.issue('doc-1', now);
    assert.equal(links.verify('doc-1', expires, signature, now + (FILE_LINK_TTL_S - 1) * 1000), true);
    assert.equal(links.verify('doc-1', expires, signature, now + (FILE_LINK_TTL_S + 1) * 1000), false);
    assert.equal(createFileLinks('y'.repeat(32)).verify('doc-1', expires, signature, now), false, 'another server secret');
  });

  it("lists a document's chunks in order with their pages, and answers 404 for one that is not there", async () => {
    const multi = await upload(stack, [{ name: 'pages.pdf', bytes: await makePdf(['Alpha page text about harbours.', 'Beta page text about glaciers.', 'Gamma page text about volcanoes.']) }]);
    const doc = await stack.waitForStatus(multi.body.documents![0]!.id, ['ready']);
    const res = await stack.fetch(`/api/v1/documents/${doc.id}/chunks?limit=2`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as DocumentChunksDto;
    assert.equal(body.total, doc.chunkCount);
    assert.deepEqual(body.items.map((c) => c.index), [0, 1].slice(0, Math.min(2, body.total)));
    const all = (await (await stack.fetch(`/api/v1/documents/${doc.id}/chunks?limit=200`)).json()) as DocumentChunksDto;
    assert.equal(all.items[0]!.page, 1);
    assert.ok(all.items.every((c, i) => i === 0 || c.page! >= all.items[i - 1]!.page!), 'pages go backwards');
    assert.match(all.items.map((c) => c.text).join(' '), /Alpha.*Beta.*Gamma/s);
    assert.equal((await stack.fetch(`/api/v1/documents/${doc.id}/chunks?limit=0`)).status, 400);
    assert.equal((await stack.fetch(`/api/v1/documents/does-not-exist/chunks`)).status, 404);
  });

  it('processes a ready document again from its stored original', async () => {
    const before = await stack.waitForStatus(pdf.id, ['ready']);
    const res = await stack.fetch(`/api/v1/documents/${pdf.id}/retry`, { method: 'POST' });
    assert.equal(res.status, 202, await res.clone().text());
    const after = await stack.waitForStatus(pdf.id, ['ready', 'failed']);
    assert.equal(after.status, 'ready');
    assert.equal(after.chunkCount, before.chunkCount);
    assert.ok(after.readyAt! >= before.readyAt!, 'it was not processed again');
  });
});
