import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { DocumentStatus, IngestStage } from '../contracts/documents.ts';
import type { DocumentKind } from '../ingest/parse/parse.types.ts';

export interface DocumentRow {
  id: string;
  collection_id: string;
  sha256: string;
  filename: string;
  kind: DocumentKind;
  size_bytes: number;
  status: DocumentStatus;
  stage: IngestStage | null;
  progress: number;
  page_count: number | null;
  chunk_count: number | null;
  error_code: string | null;
  error_message: string | null;
  retryable: number | null;
  attempts: number;
  embedding_model: string | null;
  uploaded_by: string | null;
  /** The uploader's name (joined from users); null when nobody or the account is gone. */
  uploader_name: string | null;
  created_at: string;
  updated_at: string;
  ready_at: string | null;
}

export interface NewDocument {
  id: string;
  collectionId: string;
  sha256: string;
  filename: string;
  kind: DocumentKind;
  sizeBytes: number;
  uploadedBy: string | null;
}

/** SQL for documents; the only place that knows the table's shape. */
export function createDocumentsRepository(db: Db) {
  const select = 'SELECT d.*, u.name AS uploader_name FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by';
  const byId = db.prepare<[string], DocumentRow>(`${select} WHERE d.id = ?`);
  const bySha = db.prepare<[string, string], DocumentRow>(`${select} WHERE d.collection_id = ? AND d.sha256 = ?`);
  const countSha = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM documents WHERE sha256 = ?');
  // The UNIQUE (collection_id, sha256) constraint decides which of two uploads of the same
  // content is first, even across api processes; the other one finds the row the first made.
  const insert = db.prepare(
    `INSERT INTO documents (id, collection_id, sha256, filename, kind, size_bytes, status, uploaded_by, created_at, updated_at)
     VALUES (@id, @collectionId, @sha256, @filename, @kind, @sizeBytes, 'queued', @uploadedBy, @now, @now)
     ON CONFLICT (collection_id, sha256) DO NOTHING`,
  );
  const remove = db.prepare<[string]>('DELETE FROM documents WHERE id = ?');

  return {
    get: (id: string) => byId.get(id),
    findBySha: (collectionId: string, sha256: string) => bySha.get(collectionId, sha256),
    /** How many documents (in any collection) still use this stored file. */
    countBySha: (sha256: string) => countSha.get(sha256)!.n,
    /**
     * Inserts the document unless its content is already in the collection: `created` says which,
     * and `row` is the new document or the one that was there.
     */
    insertUnlessDuplicate(doc: NewDocument): { row: DocumentRow; created: boolean } {
      const created = insert.run({ ...doc, now: nowIso() }).changes === 1;
      return { row: created ? byId.get(doc.id)! : bySha.get(doc.collectionId, doc.sha256)!, created };
    },
    delete: (id: string) => remove.run(id).changes > 0,
    /** Documents that should be queued or processing, last touched before `before`. */
    unfinishedIds: (before: string) =>
      (db.prepare(`SELECT id FROM documents WHERE status IN ('queued', 'processing') AND updated_at < ? ORDER BY created_at`).all(before) as { id: string }[]).map((r) => r.id),
    allIds: () => (db.prepare('SELECT id FROM documents ORDER BY created_at').all() as { id: string }[]).map((r) => r.id),

    /** A page of the documents in the given collections (none given: none listed). */
    list(filter: { collectionIds: string[]; status?: DocumentStatus; limit: number; offset: number }) {
      if (filter.collectionIds.length === 0) return { items: [], total: 0 };
      const params: Record<string, unknown> = { limit: filter.limit, offset: filter.offset };
      filter.collectionIds.forEach((id, i) => (params[`c${i}`] = id));
      const where = [`d.collection_id IN (${filter.collectionIds.map((_, i) => `@c${i}`).join(',')})`];
      if (filter.status) {
        where.push('d.status = @status');
        params.status = filter.status;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const items = db
        .prepare(`${select} ${clause} ORDER BY d.created_at DESC, d.id LIMIT @limit OFFSET @offset`)
        .all(params) as DocumentRow[];
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM documents d ${clause}`).get(params) as { n: number }).n;
      return { items, total };
    },

    /** Moves a document to a new status; clears the error unless one is given. */
    setStatus(
      id: string,
      status: DocumentStatus,
      fields: Partial<{ stage: IngestStage | null; progress: number; pageCount: number | null; chunkCount: number; embeddingModel: string; error: { code: string; message: string; retryable: boolean } | null }> = {},
    ): void {
      const now = nowIso();
      db.prepare(
        `UPDATE documents SET status = @status, updated_at = @now,
           stage = CASE WHEN @setStage THEN @stage ELSE stage END,
           progress = COALESCE(@progress, progress),
           page_count = CASE WHEN @setPages THEN @pageCount ELSE page_count END,
           chunk_count = COALESCE(@chunkCount, chunk_count),
           embedding_model = COALESCE(@embeddingModel, embedding_model),
           error_code = @errorCode, error_message = @errorMessage, retryable = @retryable,
           ready_at = CASE WHEN @status = 'ready' THEN @now ELSE ready_at END
         WHERE id = @id`,
      ).run({
        id,
        status,
        now,
        setStage: 'stage' in fields ? 1 : 0,
        stage: fields.stage ?? null,
        progress: fields.progress ?? null,
        setPages: 'pageCount' in fields ? 1 : 0,
        pageCount: fields.pageCount ?? null,
        chunkCount: fields.chunkCount ?? null,
        embeddingModel: fields.embeddingModel ?? null,
        errorCode: fields.error?.code ?? null,
        errorMessage: fields.error?.message ?? null,
        retryable: fields.error ? (fields.error.retryable ? 1 : 0) : null,
      });
    },

    setProgress(id: string, stage: IngestStage, progress: number): void {
      db.prepare('UPDATE documents SET stage = ?, progress = ?, updated_at = ? WHERE id = ?').run(stage, progress, nowIso(), id);
    },

    countAttempt(id: string): void {
      db.prepare('UPDATE documents SET attempts = attempts + 1 WHERE id = ?').run(id);
    },
  };
}

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;
