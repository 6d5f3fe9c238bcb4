import { describe, expect, it } from 'vitest';
import { makeDoc } from '../../test/fixtures.ts';
import { applyProgress, upsertDocument } from './documents.api.ts';
import { countByStatus, viewDocuments, type DocumentView } from './documentView.ts';

const docs = [
  makeDoc({ id: 'a', filename: 'Annual report 2024.pdf', sizeBytes: 300, status: 'ready', createdAt: '2025-01-03T00:00:00Z' }),
  makeDoc({ id: 'b', filename: 'budget.docx', kind: 'docx', sizeBytes: 100, status: 'failed', createdAt: '2025-01-01T00:00:00Z' }),
  makeDoc({ id: 'c', filename: 'annual report 2023.pdf', sizeBytes: 200, status: 'processing', createdAt: '2025-01-02T00:00:00Z' }),
];
const view = (change: Partial<DocumentView>): DocumentView => ({ search: '', status: 'all', sort: 'createdAt', dir: 'desc', page: 0, pageSize: 25, ...change });

describe('document table view', () => {
  it('searches names without regard to case', () => {
    expect(viewDocuments(docs, view({ search: 'ANNUAL' })).rows.map((d) => d.id)).toEqual(['a', 'c']);
  });

  it('filters by status and counts each status', () => {
    expect(viewDocuments(docs, view({ status: 'failed' })).rows.map((d) => d.id)).toEqual(['b']);
    expect(countByStatus(docs)).toEqual({ all: 3, queued: 0, processing: 1, ready: 1, failed: 1 });
  });

  it('sorts by the chosen column in both directions', () => {
    expect(viewDocuments(docs, view({ sort: 'sizeBytes', dir: 'asc' })).rows.map((d) => d.id)).toEqual(['b', 'c', 'a']);
    expect(viewDocuments(docs, view({ sort: 'filename', dir: 'asc' })).rows.map((d) => d.id)).toEqual(['c', 'a', 'b']);
    expect(viewDocuments(docs, view({})).rows.map((d) => d.id)).toEqual(['a', 'c', 'b']);
  });

  it('cuts one page and reports the total that matched', () => {
    const result = viewDocuments(docs, view({ pageSize: 2, page: 1 }));
    expect(result.rows.map((d) => d.id)).toEqual(['b']);
    expect(result.total).toBe(3);
  });
});

describe('live document updates', () => {
  it('moves a document to processing with the stage and percent of a progress event', () => {
    const list = applyProgress([makeDoc({ id: 'x', status: 'queued' })], { documentId: 'x', collectionId: 'default', stage: 'embedding', unit: 'chunk', done: 3, total: 10, percent: 61.6 });
    expect(list?.[0]).toMatchObject({ status: 'processing', stage: 'embedding', progress: 62, stageDone: 3, stageTotal: 10, stageUnit: 'chunk' });
  });

  it('ignores a progress event that arrives after the document finished', () => {
    const ready = [makeDoc({ id: 'x', status: 'ready', progress: 100 })];
    expect(applyProgress(ready, { documentId: 'x', collectionId: 'default', stage: 'indexing', unit: 'chunk', done: 1, total: 2, percent: 90 })).toBe(ready);
  });

  it('adds a document it has not seen and replaces one it has', () => {
    const list = upsertDocument([makeDoc({ id: 'x', status: 'processing', stageDone: 1, stageTotal: 3 })], makeDoc({ id: 'x', status: 'ready' }));
    expect(list).toHaveLength(1);
    expect(list?.[0]).toMatchObject({ status: 'ready', stageDone: undefined });
    expect(upsertDocument(list, makeDoc({ id: 'y' }))?.map((d) => d.id)).toEqual(['y', 'x']);
  });
});
