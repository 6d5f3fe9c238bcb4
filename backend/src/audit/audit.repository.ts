import type { Db } from '../clients/db.ts';

export interface AuditRow {
  id: number;
  at: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: string;
}

export type NewAuditRow = Omit<AuditRow, 'id'>;

/** SQL for the audit log: append and page, newest first. Nothing updates or deletes a row. */
export function createAuditRepository(db: Db) {
  const insert = db.prepare<NewAuditRow>(
    'INSERT INTO audit_log (at, actor_id, actor_email, action, target, ip, details) VALUES (@at, @actor_id, @actor_email, @action, @target, @ip, @details)',
  );
  const page = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit_log');

  return {
    insert: (row: NewAuditRow) => Number(insert.run(row).lastInsertRowid),
    list: (limit: number, offset: number) => ({ items: page.all(limit, offset), total: count.get()!.n }),
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
