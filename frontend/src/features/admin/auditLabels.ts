import type { AuditEntryDto } from '@contracts/admin.ts';
import { formatBytes, formatDate, humanize } from '../../ui/format.ts';

/** What each recorded action means, in words; an action not listed here is shown by its code in words. */
const ACTIONS: Record<string, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'auth.refresh_reused': 'Stolen session suspected (refresh token reused)',
  'auth.password_changed': 'Changed password',
  'user.created': 'Created user',
  'user.role_changed': 'Changed role',
  'user.renamed': 'Renamed user',
  'user.disabled': 'Disabled user',
  'user.enabled': 'Enabled user',
  'api_key.created': 'Created API key',
  'api_key.revoked': 'Revoked API key',
  'settings.updated': 'Changed settings',
  'document.uploaded': 'Uploaded document',
  'document.deleted': 'Deleted document',
  'documents.reindexed': 'Re-indexed all documents',
  'collection.created': 'Created collection',
  'collection.updated': 'Changed collection',
  'collection.deleted': 'Deleted collection',
  'collection.members_changed': 'Changed collection members',
};

export const actionLabel = (action: string): string => ACTIONS[action] ?? humanize(action);

/** Labels for the detail fields the server records. */
const DETAIL_LABELS: Record<string, string> = {
  collectionId: 'Collection',
  apiKeyId: 'Through API key',
  from: 'From',
  to: 'To',
  role: 'Role',
  reason: 'Reason',
  email: 'E-mail',
  filename: 'File',
  sizeBytes: 'Size',
  scopes: 'Scopes',
  changed: 'Changed',
  userIds: 'Members',
};

/** Names the dashboard knows for ids (collections, users), to show instead of the ids. */
export type NameOf = (id: string) => string | undefined;

function formatValue(key: string, value: unknown, nameOf: NameOf): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map((v) => formatValue(key, v, nameOf)).join(', ') || 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' && /Bytes$/.test(key)) return formatBytes(value);
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${DETAIL_LABELS[k] ?? humanize(k)}: ${formatValue(k, v, nameOf)}`)
      .join('; ');
  }
  const text = String(value);
  if (/At$/.test(key)) return formatDate(text);
  return nameOf(text) ?? text;
}

/** The details of an entry as label and readable value pairs, ids replaced by names where known. */
export function describeDetails(entry: AuditEntryDto, nameOf: NameOf): { label: string; value: string }[] {
  return Object.entries(entry.details).map(([key, value]) => ({ label: DETAIL_LABELS[key] ?? humanize(key), value: formatValue(key, value, nameOf) }));
}

/** What the entry was about, by name: the current name, the name recorded with it, or the id. */
export function targetLabel(entry: AuditEntryDto, nameOf: NameOf): string {
  if (!entry.target) return '—';
  const recorded = entry.details.filename ?? entry.details.name ?? entry.details.email;
  return entry.targetName ?? nameOf(entry.target) ?? (typeof recorded === 'string' ? recorded : entry.target);
}
