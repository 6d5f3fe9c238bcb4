import type { Db } from '../clients/db.ts';
import { DOCUMENT_STATUSES, type DocumentStatus } from '../contracts/documents.ts';

export interface CorpusTotals {
  documents: number;
  chunks: number;
  bytes: number;
}

/** The counts the metrics report about the corpus, read from SQLite at scrape time. */
export function createCorpusRepository(db: Db) {
  const byStatus = db.prepare<[], { status: DocumentStatus; n: number }>('SELECT status, COUNT(*) AS n FROM documents GROUP BY status');
  const totals = db.prepare<[], { documents: number; chunks: number | null; bytes: number | null }>(
    "SELECT COUNT(*) AS documents, SUM(chunk_count) AS chunks, SUM(size_bytes) AS bytes FROM documents WHERE status = 'ready'",
  );
  return {
    /** Documents per status, with every status present (0 when none). */
    statusCounts(): Record<DocumentStatus, number> {
      const counts = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number>;
      for (const row of byStatus.all()) counts[row.status] = row.n;
      return counts;
    },
    /** Ready documents, their chunks and the bytes of their original files. */
    totals(): CorpusTotals {
      const row = totals.get()!;
      return { documents: row.documents, chunks: row.chunks ?? 0, bytes: row.bytes ?? 0 };
    },
  };
}

export type CorpusRepository = ReturnType<typeof createCorpusRepository>;
