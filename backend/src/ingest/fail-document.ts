import type { VectorStore } from '../clients/chroma.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { Logger } from '../logger.ts';
import type { ChunksRepository } from '../retrieval/chunks.repository.ts';

export interface DocumentFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/**
 * Marks a document `failed` with a reason a person can read, and takes back what a half-done run
 * wrote (its vectors and keyword rows), so a failed document holds nothing a retry must undo.
 * Every way an ingest job can end in failure goes through here.
 */
export function createDocumentFailer(deps: { documents: DocumentsRepository; chunks: ChunksRepository; vectors: VectorStore; logger: Logger }) {
  const { documents, chunks, vectors, logger } = deps;
  return async function failDocument(documentId: string, failure: DocumentFailure): Promise<void> {
    if (!documents.get(documentId)) return;
    // Cleared first, so a document seen as failed holds nothing (unless Chroma is away).
    chunks.deleteForDocument(documentId);
    try {
      await vectors.deleteDocument(documentId);
    } catch (err) {
      // Chroma may be the reason the job failed; the retry's upserts replace these vectors anyway.
      logger.warn({ err, documentId }, 'could not remove the vectors of a failed document now; a retry replaces them');
    }
    if (documents.get(documentId)) documents.setStatus(documentId, 'failed', { stage: null, error: failure });
  };
}

export type FailDocument = ReturnType<typeof createDocumentFailer>;
