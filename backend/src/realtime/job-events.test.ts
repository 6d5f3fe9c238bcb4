import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestProgress } from '../contracts/documents.ts';
import type { DocumentRow } from '../documents/documents.repository.ts';
import { createLogger } from '../logger.ts';
import { createJobEventRelay, type EmitToRoom } from './job-events.ts';

const logger = createLogger({ log: { level: 'silent' } });

/** A relay whose emits are recorded; its repository answers with `rows`, or throws when it is given none. */
function relayWith(rows?: Record<string, Partial<DocumentRow>>) {
  const emitted: { room: string; event: string; payload: unknown }[] = [];
  const reads: string[] = [];
  const documents = {
    get(id: string) {
      reads.push(id);
      if (!rows) throw new Error('the relay read the database');
      return rows[id] as DocumentRow | undefined;
    },
  };
  const emit: EmitToRoom = (room, event, ...args) => emitted.push({ room, event, payload: args[0] });
  return { ...createJobEventRelay({ documents, emit, logger, pollMs: 1, maxWaitMs: 5 }), emitted, reads };
}

const progress: IngestProgress = { documentId: 'doc-1', collectionId: 'archive', stage: 'embedding', unit: 'chunk', done: 3, total: 10, percent: 42 };

const readyRow: Partial<DocumentRow> = {
  id: 'doc-1',
  collection_id: 'archive',
  filename: 'a.txt',
  kind: 'txt',
  size_bytes: 10,
  sha256: 'x',
  status: 'ready',
  stage: null,
  progress: 100,
  page_count: null,
  chunk_count: 2,
  error_code: null,
  uploaded_by: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ready_at: '2026-01-01T00:00:00.000Z',
};

describe('the queue event relay', () => {
  it('sends progress to the room of the collection the progress names, without reading the database', () => {
    const relay = relayWith();
    relay.relay({ kind: 'ingest.progress', jobId: 'doc-1', data: progress });
    assert.deepEqual(relay.emitted, [{ room: 'collection:archive', event: 'document.progress', payload: progress }]);
    assert.deepEqual(relay.reads, []);
  });

  it('sends exactly the public progress fields, dropping anything else the job wrote', () => {
    const relay = relayWith();
    relay.relay({ kind: 'ingest.progress', jobId: 'doc-1', data: { ...progress, secret: 'internal' } });
    assert.deepEqual(relay.emitted[0]?.payload, progress);
  });

  it('drops a malformed progress report instead of relaying it', () => {
    const relay = relayWith();
    relay.relay({ kind: 'ingest.progress', jobId: 'doc-1', data: { stage: 'embedding', unit: 'chunk', done: 3, total: 10, percent: 42 } });
    relay.relay({ kind: 'ingest.progress', jobId: 'doc-1', data: 'half done' });
    assert.deepEqual(relay.emitted, []);
  });

  it('announces a completed job with the document as SQLite holds it', () => {
    const relay = relayWith({ 'doc-1': readyRow });
    relay.relay({ kind: 'ingest.completed', jobId: 'doc-1' });
    assert.equal(relay.emitted.length, 1);
    assert.equal(relay.emitted[0]!.room, 'collection:archive');
    assert.equal(relay.emitted[0]!.event, 'document.ready');
    assert.equal((relay.emitted[0]!.payload as { chunkCount: number }).chunkCount, 2);
  });

  it('announces a delayed job (a retry) as queued, and a failed one as failed', async () => {
    const relay = relayWith({ 'doc-1': { ...readyRow, status: 'queued', stage: 'waiting' }, 'doc-2': { ...readyRow, id: 'doc-2', status: 'failed', error_code: 'no_text' } });
    relay.relay({ kind: 'ingest.delayed', jobId: 'doc-1' });
    relay.relay({ kind: 'ingest.failed', jobId: 'doc-2', failedReason: 'no text could be extracted' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      relay.emitted.map((e) => [e.room, e.event]),
      [
        ['collection:archive', 'document.queued'],
        ['collection:archive', 'document.failed'],
      ],
    );
  });

  it('sends re-index progress to the room of the admin who asked for it, and to nobody when nobody did', () => {
    const relay = relayWith();
    relay.relay({ kind: 'reindex.progress', jobId: 'r-1', data: { requestedBy: 'admin-1', done: 500, total: 1200 } });
    relay.relay({ kind: 'reindex.progress', jobId: 'r-2', data: { requestedBy: null, done: 1, total: 1 } });
    relay.relay({ kind: 'reindex.progress', jobId: 'r-3', data: { requestedBy: 'admin-1', done: -1 } });
    assert.deepEqual(relay.emitted, [{ room: 'user:admin-1', event: 'reindex.progress', payload: { done: 500, total: 1200 } }]);
  });
});
