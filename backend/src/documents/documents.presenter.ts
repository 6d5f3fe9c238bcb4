import type { DocumentDto } from '../contracts/documents.ts';
import type { DocumentRow } from './documents.repository.ts';

/** The public shape of a document: exactly these fields, never the raw row. */
export function presentDocument(row: DocumentRow): DocumentDto {
  return {
    id: row.id,
    collectionId: row.collection_id,
    filename: row.filename,
    kind: row.kind,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    pageCount: row.page_count,
    chunkCount: row.chunk_count,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '', retryable: row.retryable === 1 } : null,
    uploadedBy: row.uploaded_by ? { id: row.uploaded_by, name: row.uploader_name ?? 'former user' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    readyAt: row.ready_at,
  };
}
