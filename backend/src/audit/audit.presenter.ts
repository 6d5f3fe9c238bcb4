import type { AuditEntryDto } from '../contracts/admin.ts';
import type { AuditRow } from './audit.repository.ts';

/** The public shape of an audit entry, with its details parsed back from JSON. */
export function presentAuditEntry(row: AuditRow & { target_name?: string | null }): AuditEntryDto {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    target: row.target,
    ip: row.ip,
    details: parseDetails(row.details),
    targetName: row.target_name ?? null,
  };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
