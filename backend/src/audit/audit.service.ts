import { nowIso } from '../clients/db.ts';
import type { AuditEntryDto, Page } from '../contracts/admin.ts';
import type { Logger } from '../logger.ts';
import { presentAuditEntry } from './audit.presenter.ts';
import type { AuditFilter, AuditRepository } from './audit.repository.ts';

/** Every action the audit log knows. Add new ones here so the admin list stays readable. */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.refresh_reused',
  'auth.password_changed',
  'auth.locked_out',
  'user.created',
  'user.role_changed',
  'user.renamed',
  'user.disabled',
  'user.enabled',
  'user.unlocked',
  'api_key.created',
  'api_key.revoked',
  'settings.updated',
  'document.uploaded',
  'document.deleted',
  'documents.reindexed',
  'collection.created',
  'collection.updated',
  'collection.deleted',
  'collection.members_changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it: a user, possibly through one of their API keys. A `Principal` fits. */
export interface AuditActor {
  userId: string;
  email: string | null;
  keyId?: string;
}

export interface AuditEvent {
  actor: AuditActor | null;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

// Never stored, even if a caller passes them by mistake.
const SECRET_KEY = /pass(word)?|secret|token|hash|authorization|cookie/i;

/** The audit log: `record` never throws (a failed write is logged, the action it describes stands). */
export function createAuditLog(deps: { repository: AuditRepository; logger: Logger }) {
  const { repository, logger } = deps;
  return {
    record(event: AuditEvent): void {
      const details: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event.details ?? {})) if (!SECRET_KEY.test(key)) details[key] = value;
      if (event.actor?.keyId) details.apiKeyId = event.actor.keyId;
      try {
        repository.insert({
          at: nowIso(),
          actor_id: event.actor?.userId ?? null,
          actor_email: event.actor?.email ?? null,
          action: event.action,
          target: event.target ?? null,
          ip: event.ip ?? null,
          details: JSON.stringify(details),
        });
      } catch (err) {
        logger.error({ err, action: event.action }, 'could not write the audit log');
      }
    },

    list(limit: number, offset: number, filter: AuditFilter = {}): Page<AuditEntryDto> {
      const { items, total } = repository.list(filter, limit, offset);
      return { items: items.map(presentAuditEntry), total, limit, offset };
    },

    /** The actions recorded so far, for the filter. */
    actions: () => repository.actions(),
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
