import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ReindexProgress } from '../contracts/admin.ts';
import type { DocumentStatus } from '../contracts/documents.ts';
import type { DocumentRow } from '../documents/documents.repository.ts';
import { createReindexProcessor } from './reindex.job.ts';

/** Documents by id with a status, a fake ingest queue that records its bulk adds, and a job that records its progress. */
function setup(statuses: DocumentStatus[], requestedBy: string | null = 'admin-1') {
  const ids: string[] = statuses.map(() => randomUUID());
  const status = new Map(ids.map((id, i) => [id, statuses[i]!]));
  const documents = { get: (id: string) => (status.has(id) ? ({ id, status: status.get(id) } as DocumentRow) : undefined) };
  const adds: string[][] = [];
  const queue = {
    async addMany(documentIds: string[]) {
      adds.push(documentIds);
    },
  };
  const progress: ReindexProgress[] = [];
  const job = {
    data: { documentIds: ids, requestedBy },
    async updateProgress(p: unknown) {
      progress.push(p as ReindexProgress);
    },
  };
  return { ids, status, documents, queue, adds, progress, job };
}

describe('the reindex job', () => {
  it('hands every queued document to ingestion in batches, reporting done of total after each', async () => {
    const s = setup(['queued', 'queued', 'queued', 'queued', 'queued']);
    await createReindexProcessor({ documents: s.documents, queue: s.queue, batchSize: 2 })(s.job);
    assert.deepEqual(s.adds, [s.ids.slice(0, 2), s.ids.slice(2, 4), s.ids.slice(4)]);
    assert.deepEqual(s.progress, [
      { requestedBy: 'admin-1', done: 2, total: 5 },
      { requestedBy: 'admin-1', done: 4, total: 5 },
      { requestedBy: 'admin-1', done: 5, total: 5 },
    ]);
  });

  it('skips documents deleted since the request, or already processing, ready or failed', async () => {
    const s = setup(['queued', 'processing', 'ready', 'failed', 'queued']);
    s.status.delete(s.ids[4]!);
    await createReindexProcessor({ documents: s.documents, queue: s.queue })(s.job);
    assert.deepEqual(s.adds, [[s.ids[0]]]);
    assert.deepEqual(s.progress.at(-1), { requestedBy: 'admin-1', done: 5, total: 5 });
  });

  it('when retried, hands on only the documents not re-ingested yet', async () => {
    const s = setup(['queued', 'queued', 'queued']);
    const reindex = createReindexProcessor({ documents: s.documents, queue: s.queue });
    await reindex(s.job);
    // The first run's ingest jobs finished two documents before the re-index job ran again.
    s.status.set(s.ids[0]!, 'ready');
    s.status.set(s.ids[1]!, 'processing');
    await reindex(s.job);
    assert.deepEqual(s.adds, [s.ids, [s.ids[2]]]);
  });

  it('refuses job data that is not a list of document ids', async () => {
    const s = setup(['queued']);
    const reindex = createReindexProcessor({ documents: s.documents, queue: s.queue });
    await assert.rejects(reindex({ ...s.job, data: { documentIds: ['not-an-id'], requestedBy: null } }));
    await assert.rejects(reindex({ ...s.job, data: { documentIds: [], requestedBy: null } }));
    assert.deepEqual(s.adds, []);
  });
});
