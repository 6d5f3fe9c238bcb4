import { randomUUID } from 'node:crypto';
import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { CollectionDto } from '../contracts/admin.ts';

interface CollectionRow {
  id: string;
  name: string;
  description: string;
  visibility: 'everyone' | 'members';
  created_at: string;
  document_count: number;
}

/** Knowledge bases and who may read them. Every document belongs to one; `default` always exists. */
export function createCollectionsRepository(db: Db) {
  const exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM collections WHERE id = ?');
  const select = `SELECT c.id, c.name, c.description, c.visibility, c.created_at,
                         (SELECT COUNT(*) FROM documents d WHERE d.collection_id = c.id) AS document_count
                    FROM collections c`;
  const present = (r: CollectionRow): CollectionDto => ({
    id: r.id,
    name: r.name,
    description: r.description,
    visibility: r.visibility,
    documentCount: r.document_count,
    createdAt: r.created_at,
  });

  return {
    exists: (id: string) => exists.get(id) !== undefined,
    get(id: string): CollectionDto | undefined {
      const row = db.prepare<[string], CollectionRow>(`${select} WHERE c.id = ?`).get(id);
      return row && present(row);
    },
    /** Every collection (for admins). */
    listAll(): CollectionDto[] {
      return db.prepare<[], CollectionRow>(`${select} ORDER BY c.name`).all().map(present);
    },
    /** Ids of the collections a non-admin user may read: visible to everyone, or with them as a member. */
    readableIds(userId: string): string[] {
      return db
        .prepare<[string], { id: string }>(
          `SELECT id FROM collections WHERE visibility = 'everyone'
           UNION SELECT collection_id AS id FROM collection_members WHERE user_id = ?`,
        )
        .all(userId)
        .map((r) => r.id);
    },
    allIds(): string[] {
      return db.prepare<[], { id: string }>('SELECT id FROM collections').all().map((r) => r.id);
    },
    byIds(ids: string[]): CollectionDto[] {
      if (ids.length === 0) return [];
      return db
        .prepare(`${select} WHERE c.id IN (${ids.map(() => '?').join(',')}) ORDER BY c.name`)
        .all(...ids)
        .map((r) => present(r as CollectionRow));
    },
    nameTaken(name: string, exceptId?: string): boolean {
      return db.prepare('SELECT 1 FROM collections WHERE name = ? COLLATE NOCASE AND id != ?').get(name, exceptId ?? '') !== undefined;
    },
    create(c: { name: string; description: string; visibility: 'everyone' | 'members' }): string {
      const id = randomUUID();
      db.prepare('INSERT INTO collections (id, name, description, visibility, created_at) VALUES (?, ?, ?, ?, ?)').run(id, c.name, c.description, c.visibility, nowIso());
      return id;
    },
    update(id: string, c: Partial<{ name: string; description: string; visibility: 'everyone' | 'members' }>): void {
      db.prepare(
        `UPDATE collections SET name = COALESCE(@name, name), description = COALESCE(@description, description),
           visibility = COALESCE(@visibility, visibility) WHERE id = @id`,
      ).run({ id, name: c.name ?? null, description: c.description ?? null, visibility: c.visibility ?? null });
    },
    delete: (id: string) => db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0,
    memberIds(id: string): string[] {
      return db.prepare<[string], { user_id: string }>('SELECT user_id FROM collection_members WHERE collection_id = ? ORDER BY user_id').all(id).map((r) => r.user_id);
    },
    setMembers: db.transaction((id: string, userIds: string[]) => {
      db.prepare('DELETE FROM collection_members WHERE collection_id = ?').run(id);
      const add = db.prepare('INSERT INTO collection_members (collection_id, user_id) VALUES (?, ?)');
      for (const userId of new Set(userIds)) add.run(id, userId);
    }),
    /** Raises the collection's corpus version so cached answers over it are no longer used. */
    bumpCorpusVersion(collectionId: string): void {
      db.prepare('UPDATE collections SET corpus_version = corpus_version + 1 WHERE id = ?').run(collectionId);
    },
    /** The corpus version of each collection asked (0 for one that does not exist), by id. */
    corpusVersions(ids: string[]): Map<string, number> {
      const found = new Map<string, number>();
      if (ids.length > 0) {
        const rows = db
          .prepare(`SELECT id, corpus_version FROM collections WHERE id IN (${ids.map(() => '?').join(',')})`)
          .all(...ids) as { id: string; corpus_version: number }[];
        for (const r of rows) found.set(r.id, r.corpus_version);
      }
      return new Map(ids.map((id) => [id, found.get(id) ?? 0]));
    },
  };
}

export type CollectionsRepository = ReturnType<typeof createCollectionsRepository>;
