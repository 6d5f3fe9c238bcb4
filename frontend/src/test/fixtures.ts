import type { LiveDocument } from '../features/documents/documents.api.ts';

/** A document as the API presents it, with the given fields changed. */
export function makeDoc(change: Partial<LiveDocument> = {}): LiveDocument {
  return {
    id: 'd1', collectionId: 'default', filename: 'manual.pdf', kind: 'pdf', sizeBytes: 2048, sha256: 'x',
    status: 'queued', stage: null, progress: 0, pageCount: null, chunkCount: null, error: null, uploadedBy: null,
    createdAt: '2025-01-01T10:00:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z', readyAt: null, ...change,
  };
}
