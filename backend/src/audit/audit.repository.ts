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

/** What the log may be narrowed by; times are ISO instants (`from` inclusive, `to` exclusive). */
export interface AuditFilter {
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

// The name the target id has now, whichever kind of thing it is.
const TARGET_NAME = `COALESCE(
  (SELECT email FROM users WHERE id = a.target),
  (SELECT name FROM collections WHERE id = a.target),
  (SELECT filename FROM documents WHERE id = a.target),
  (SELECT name FROM api_keys WHERE id = a.target)
) AS target_name`;

/** SQL for the audit log: append and page, newest first. Nothing updates or deletes a row. */
export function createAuditRepository(db: Db) {
  const insert = db.prepare<NewAuditRow>(
    'INSERT INTO audit_log (at, actor_id, actor_email, action, target, ip, details) VALUES (@at, @actor_id, @actor_email, @action, @target, @ip, @details)',
  );
  // One condition per filter field; a missing field matches everything. `at` is stored as an ISO string in UTC.
  const where = `WHERE (@action IS NULL OR a.action = @action) AND (@actorId IS NULL OR a.actor_id = @actorId)
    AND (@from IS NULL OR a.at >= @from) AND (@to IS NULL OR a.at < @to)`;
  const page = db.prepare<FilterParams & { limit: number; offset: number }, AuditRow & { target_name: string | null }>(
    `SELECT a.*, ${TARGET_NAME} FROM audit_log a ${where} ORDER BY a.id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<FilterParams, { n: number }>(`SELECT COUNT(*) AS n FROM audit_log a ${where}`);
  const actions = db.prepare<[], { action: string }>('SELECT DISTINCT action FROM audit_log ORDER BY action');

  return {
    insert: (row: NewAuditRow) => Number(insert.run(row).lastInsertRowid),
    list(filter: AuditFilter, limit: number, offset: number) {
      const params = toParams(filter);
      return { items: page.all({ ...params, limit, offset }), total: count.get(params)!.n };
    },
    /** Every action the log holds, for the filter. */
    actions: () => actions.all().map((r) => r.action),
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

type FilterParams = { action: string | null; actorId: string | null; from: string | null; to: string | null };

// Stored times are UTC ISO strings, so the bounds are too (compared as text).
const utc = (iso: string | undefined) => (iso ? new Date(iso).toISOString() : null);
const toParams = (f: AuditFilter): FilterParams => ({ action: f.action ?? null, actorId: f.actorId ?? null, from: utc(f.from), to: utc(f.to) });
