import type { Db } from '../clients/db.ts';

export interface CollectionDto {
  id: string;
  name: string;
  description: string;
  documentCount: number;
  createdAt: string;
}

/** Knowledge bases. Every document belongs to one; `default` always exists. */
export function createCollectionsRepository(db: Db) {
  const exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM collections WHERE id = ?');
  return {
    exists: (id: string) => exists.get(id) !== undefined,
    list(): CollectionDto[] {
      const rows = db
        .prepare(
          `SELECT c.id, c.name, c.description, c.created_at, COUNT(d.id) AS document_count
             FROM collections c LEFT JOIN documents d ON d.collection_id = c.id
            GROUP BY c.id ORDER BY c.name`,
        )
        .all() as { id: string; name: string; description: string; created_at: string; document_count: number }[];
      return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, documentCount: r.document_count, createdAt: r.created_at }));
    },
  };
}

export type CollectionsRepository = ReturnType<typeof createCollectionsRepository>;
