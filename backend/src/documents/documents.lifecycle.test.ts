import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';

describe('document lifecycle', () => {
  let stack: TestStack;
  let pdf: Buffer;

  before(async () => {
    stack = await startStack();
    stack.services.db.prepare(`INSERT INTO collections (id, name, created_at) VALUES ('archive', 'Archive', datetime('now'))`).run();
    pdf = await makePdf(['The tidal turbine generates four megawatts at spring tide.', 'Maintenance happens in neap tides.']);
  });
  after(() => stack.close());

  it('returns the existing document when the same content is uploaded twice into a collection', async () => {
    const first = await upload(stack, [{ name: 'turbine.pdf', bytes: pdf }]);
    const second = await upload(stack, [{ name: 'turbine-copy.pdf', bytes: pdf }]);
    assert.equal(first.status, 202);
    assert.equal(second.status, 200);
    assert.equal(second.body.documents![0]!.duplicate, true);
    assert.equal(second.body.documents![0]!.id, first.body.documents![0]!.id);
    const list = (await (await stack.fetch(`/api/v1/documents?collectionId=default`)).json()) as { total: number };
    assert.equal(list.total, 1);
    await stack.waitForStatus(first.body.documents![0]!.id, ['ready']);
  });

  it('deletes a document with its vectors and FTS rows, keeping the file while another document uses it', async () => {
    const inDefault = (await upload(stack, [{ name: 'turbine.pdf', bytes: pdf }])).body.documents![0]!;
    const copy = await upload(stack, [{ name: 'turbine.pdf', bytes: pdf }], { collectionId: 'archive' });
    assert.equal(copy.status, 202, 'the same content in another collection is a new document');
    const inArchive = copy.body.documents![0]!;
    assert.notEqual(inArchive.id, inDefault.id);
    const ready = await stack.waitForStatus(inArchive.id, ['ready']);
    const { vectors, chunks, files } = stack.services;
    assert.equal(await vectors.countForDocument(inDefault.id), ready.chunkCount);
    assert.equal(chunks.ftsCountForDocument(inDefault.id), ready.chunkCount);

    const del = await stack.fetch(`/api/v1/documents/${inDefault.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(await vectors.countForDocument(inDefault.id), 0);
    assert.equal(chunks.ftsCountForDocument(inDefault.id), 0);
    assert.equal(chunks.countForDocument(inDefault.id), 0);
    assert.equal((await stack.fetch(`/api/v1/documents/${inDefault.id}`)).status, 404);
    assert.ok(files.exists(inDefault.sha256), 'the archive copy still needs the file');
    assert.equal(await vectors.countForDocument(inArchive.id), ready.chunkCount, 'the other document is untouched');

    assert.equal((await stack.fetch(`/api/v1/documents/${inArchive.id}`, { method: 'DELETE' })).status, 204);
    assert.equal(files.exists(inArchive.sha256), false, 'the file goes with its last document');
    assert.equal(fs.existsSync(files.pathFor(inArchive.sha256)), false);
  });

  it('lists documents with paging and a status filter', async () => {
    const texts = ['alpha report body text', 'beta report body text', 'gamma report body text'];
    for (const t of texts) await upload(stack, [{ name: `${t.split(' ')[0]}.txt`, bytes: t }]);
    const page = (await (await stack.fetch(`/api/v1/documents?limit=2&offset=0`)).json()) as { items: unknown[]; total: number };
    assert.equal(page.items.length, 2);
    assert.equal(page.total, 3);
    const failed = (await (await stack.fetch(`/api/v1/documents?status=failed`)).json()) as { total: number };
    assert.equal(failed.total, 0);
    assert.equal((await stack.fetch(`/api/v1/documents?status=bogus`)).status, 400);
  });

  it('re-indexes every document when an admin asks, ending with the same chunks', async () => {
    const doc = (await upload(stack, [{ name: 'reindex.txt', bytes: 'Heliostat mirrors track the sun across the tower field.' }])).body.documents![0]!;
    const before = await stack.waitForStatus(doc.id, ['ready']);
    const res = await stack.fetch('/api/v1/admin/reindex', { method: 'POST' });
    assert.equal(res.status, 202);
    assert.ok(((await res.json()) as { queued: number }).queued >= 1);
    const after = await stack.waitForStatus(doc.id, ['ready'], 30_000);
    assert.equal(after.chunkCount, before.chunkCount);
    assert.equal(await stack.services.vectors.countForDocument(doc.id), before.chunkCount);
    const audit = (await (await stack.fetch('/api/v1/admin/audit?limit=50')).json()) as { items: { action: string }[] };
    assert.ok(audit.items.some((e) => e.action === 'documents.reindexed'));
    const viewer = await stack.createUser('viewer');
    assert.equal((await stack.fetch('/api/v1/admin/reindex', { method: 'POST', token: viewer.token })).status, 403);
  });

  it('stores one document and says duplicate for the other when the same content is uploaded twice at once', async () => {
    stack.services.db.prepare(`INSERT INTO collections (id, name, created_at) VALUES ('twins', 'Twins', datetime('now'))`).run();
    // Several rounds, each with fresh content, so the two requests really overlap at least once.
    for (let round = 0; round < 4; round++) {
      const bytes = await makePdf([`Simultaneous upload ${round}: the weir keeper logs the river level at dawn.`]);
      const answers = await Promise.all(['a', 'b'].map((twin) => upload(stack, [{ name: `twin-${twin}-${round}.pdf`, bytes }], { collectionId: 'twins' })));
      const docs = answers.map((a) => a.body.documents![0]!);
      assert.equal(docs[0]!.id, docs[1]!.id, 'both answers name the same document');
      assert.deepEqual(docs.map((d) => d.duplicate).sort(), [false, true], `round ${round}: exactly one upload is the duplicate`);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 202]);
      const audited = stack.services.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'document.uploaded' AND target = ?`).get(docs[0]!.id) as { n: number };
      assert.equal(audited.n, 1, `round ${round}: one document.uploaded audit entry`);
      await stack.waitForStatus(docs[0]!.id, ['ready']);
    }
  });
});
