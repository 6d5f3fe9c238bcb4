import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import type { VectorStore } from '../clients/chroma.ts';
import { scoped } from '../logger.ts';
import { createBackup } from './backup.service.ts';
import { checkBackup } from './manifest.ts';

describe('a backup stays consistent when documents change while it runs', { timeout: 300_000 }, () => {
  let stack: TestStack;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-backup-consistency-'));
  const ids: Record<'kept' | 'deleted' | 'lost', string> = { kept: '', deleted: '', lost: '' };
  before(async () => {
    stack = await startStack();
    for (const name of Object.keys(ids) as (keyof typeof ids)[]) {
      const up = await upload(stack, [{ name: `${name}.md`, bytes: `# ${name}\n\nThe ${name} note, about ${name} things and nothing else.\n` }]);
      ids[name] = up.body.documents![0]!.id;
      assert.equal((await stack.waitForStatus(ids[name], ['ready', 'failed'])).status, 'ready');
    }
  });
  after(async () => {
    await stack?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('leaves out a document deleted during the export, and queues again one whose vectors Chroma lost', async () => {
    // The real store; on the first export request someone deletes a document through the API,
    // and Chroma loses the vectors of another (which stays in the database).
    const real = stack.services.vectors;
    let struck = false;
    const vectors: VectorStore = {
      ...real,
      async getVectors(name, wanted) {
        if (!struck) {
          struck = true;
          assert.equal((await stack.fetch(`/api/v1/documents/${ids.deleted}`, { method: 'DELETE' })).status, 204);
          await real.deleteDocument(ids.lost);
        }
        return real.getVectors(name, wanted);
      },
    };
    const s = stack.services;
    const result = await createBackup(
      { config: stack.config, db: s.db, documents: s.documentsRepository, queue: s.queue, vectors, files: s.files, logger: scoped(s.logger, 'backup') },
      { outDir },
    );
    assert.ok(struck);
    const { manifest, problems } = await checkBackup(result.dir);
    assert.deepEqual(problems, []);
    const db = new Database(path.join(result.dir, 'app.db'), { readonly: true });
    const rows = db.prepare('SELECT id, status FROM documents').all() as { id: string; status: string }[];
    const orphanChunks = (db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?').get(ids.deleted) as { n: number }).n;
    db.close();
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    assert.equal(status[ids.deleted], undefined, 'the deleted document is not in the backup');
    assert.equal(orphanChunks, 0, 'nor are its chunks');
    assert.equal(status[ids.kept], 'ready');
    assert.equal(status[ids.lost], 'queued', 'the document whose vectors were lost is ingested again after a restore');
    assert.ok(manifest!.warnings.some((w) => w.includes(ids.lost)), manifest!.warnings.join('\n'));
    const keptChunks = (await stack.fetch(`/api/v1/documents/${ids.kept}`).then((r) => r.json()) as { chunkCount: number }).chunkCount;
    assert.equal(manifest!.counts.vectors, keptChunks, 'only the complete document\'s vectors are in the backup');
    assert.equal(manifest!.counts.documents, 2);
    assert.equal(manifest!.counts.files, 2, 'the deleted document\'s file is not in it either');
    assert.equal(await s.queue.isPaused(), false);
  });
});
