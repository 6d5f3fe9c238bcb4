import type { Db } from '../clients/db.ts';

interface ChunkRow {
  chunk_index: number;
  page: number | null;
  heading: string | null;
  text: string;
}

/** A document's chunks in order, as the model sees them, a page at a time (for the document page). */
export function createDocumentChunksRepository(db: Db) {
  const page = db.prepare<[string, number, number], ChunkRow>(
    'SELECT chunk_index, page, heading, text FROM chunks WHERE document_id = ? ORDER BY chunk_index LIMIT ? OFFSET ?',
  );
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?');
  return {
    list(documentId: string, limit: number, offset: number) {
      return { rows: page.all(documentId, limit, offset), total: count.get(documentId)!.n };
    },
  };
}
