import type { Db } from '../clients/db.ts';
import type { Chunk } from '../ingest/parse/parse.types.ts';

export interface ChunkRow {
  id: string;
  document_id: string;
  collection_id: string;
  chunk_index: number;
  page: number | null;
  heading: string | null;
  text: string;
  filename: string;
}

/** Chunks written in one transaction; small enough that one batch holds the event loop a few ms. */
const WRITE_BATCH = 50;

/** Chunk text and its FTS5 index. Every write is an upsert on `${documentId}:${index}`. */
export function createChunksRepository(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO chunks (id, document_id, collection_id, chunk_index, page, heading, text)
     VALUES (@id, @documentId, @collectionId, @index, @page, @heading, @text)
     ON CONFLICT(id) DO UPDATE SET page = excluded.page, heading = excluded.heading, text = excluded.text,
       collection_id = excluded.collection_id`,
  );
  const deleteFrom = db.prepare<[string, number]>('DELETE FROM chunks WHERE document_id = ? AND chunk_index >= ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?');
  const ftsCount = db.prepare<[string], { n: number }>(
    `SELECT COUNT(*) AS n FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid WHERE c.document_id = ?`,
  );

  const upsertBatch = db.transaction((documentId: string, collectionId: string, chunks: Chunk[]) => {
    for (const c of chunks) {
      upsert.run({ id: chunkId(documentId, c.index), documentId, collectionId, index: c.index, page: c.page, heading: c.heading, text: c.text });
    }
  });

  return {
    /**
     * Writes a document's chunks and drops any beyond them (left by an earlier, longer run), in
     * transactions of WRITE_BATCH chunks with the event loop let go between them: the FTS5 index
     * of a long manual takes seconds to write. Searches only read ready documents, and a document
     * being (re)ingested is not ready, so nobody sees the rows half written.
     */
    async replaceForDocument(documentId: string, collectionId: string, chunks: Chunk[]): Promise<void> {
      for (let start = 0; start < chunks.length; start += WRITE_BATCH) {
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        upsertBatch(documentId, collectionId, chunks.slice(start, start + WRITE_BATCH));
      }
      deleteFrom.run(documentId, chunks.length);
    },
    deleteForDocument: (documentId: string) => deleteFrom.run(documentId, 0).changes,
    countForDocument: (documentId: string) => count.get(documentId)!.n,
    /** FTS rows that point at this document's chunks (0 after delete). */
    ftsCountForDocument: (documentId: string) => ftsCount.get(documentId)!.n,

    /** Chunks by id, with their document's name, only from ready documents. */
    getReady(ids: string[]): ChunkRow[] {
      if (ids.length === 0) return [];
      const marks = ids.map(() => '?').join(',');
      return db
        .prepare(
          `SELECT c.id, c.document_id, c.collection_id, c.chunk_index, c.page, c.heading, c.text, d.filename
             FROM chunks c JOIN documents d ON d.id = c.document_id AND d.status = 'ready'
            WHERE c.id IN (${marks})`,
        )
        .all(...ids) as ChunkRow[];
    },
  };
}

export type ChunksRepository = ReturnType<typeof createChunksRepository>;

export const chunkId = (documentId: string, index: number) => `${documentId}:${index}`;
