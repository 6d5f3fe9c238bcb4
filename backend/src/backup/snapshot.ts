import type { Db } from '../clients/db.ts';
import type { Config } from '../config.ts';
import type { BackupCounts } from './manifest.ts';

/** What a database holds, counted the way the manifest records it (vectors are counted in Chroma). */
export function countsOf(db: Db): Omit<BackupCounts, 'vectors'> {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const byStatus = db.prepare('SELECT status, COUNT(*) AS n FROM documents GROUP BY status ORDER BY status').all() as { status: string; n: number }[];
  return {
    documents: n('SELECT COUNT(*) AS n FROM documents'),
    documentsByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    chunks: n('SELECT COUNT(*) AS n FROM chunks'),
    // The index's own rows (one per indexed chunk), not the content table it points at.
    ftsRows: n('SELECT COUNT(*) AS n FROM chunks_fts_docsize'),
    files: n('SELECT COUNT(DISTINCT sha256) AS n FROM documents'),
    conversations: n('SELECT COUNT(*) AS n FROM conversations'),
    messages: n('SELECT COUNT(*) AS n FROM messages'),
    users: n('SELECT COUNT(*) AS n FROM users'),
  };
}

/** The embedding model a database works with: the admin's choice stored in it, else OLLAMA_EMBED_MODEL. */
export function effectiveEmbedModel(db: Db, config: Pick<Config, 'ollama'>): { model: string; fromSettings: boolean } {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'embedModel'").get() as { value: string } | undefined;
  if (row) {
    try {
      const value = JSON.parse(row.value) as unknown;
      if (typeof value === 'string' && value) return { model: value, fromSettings: true };
    } catch {
      // A stored value that does not parse is ignored by the settings store too.
    }
  }
  return { model: config.ollama.embedModel, fromSettings: false };
}
