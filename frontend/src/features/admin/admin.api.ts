import type { ApiKeyDto, CreatedApiKeyDto, UnlockResultDto, UserDto } from '@contracts/auth.ts';
import type { AuditEntryDto, CollectionDto, ModelsDto, Page, ReindexResultDto, SettingsDto, SystemStatusDto } from '@contracts/admin.ts';
import { api } from '../../api/client.ts';

/** What the audit log is narrowed by: an action, who did it, and an interval of ISO instants. */
export interface AuditFilter {
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

/** Lists come as `{ items }` (paged ones add total, limit, offset). */
const items = <T>(r: { items: T[] }) => r.items;

export const adminKeys = {
  users: ['admin', 'users'] as const,
  apiKeys: ['admin', 'api-keys'] as const,
  settings: ['admin', 'settings'] as const,
  models: ['admin', 'models'] as const,
  audit: (offset: number, filter: AuditFilter) => ['admin', 'audit', offset, filter] as const,
  auditActions: ['admin', 'audit', 'actions'] as const,
  status: ['admin', 'status'] as const,
};

export const adminApi = {
  users: (signal?: AbortSignal) => api.get<{ items: UserDto[] }>('/admin/users', { limit: 200 }, signal).then(items),
  createUser: (body: unknown) => api.post<UserDto>('/admin/users', body),
  updateUser: (id: string, body: unknown) => api.patch<UserDto>(`/admin/users/${encodeURIComponent(id)}`, body),
  unlockUser: (id: string) => api.post<UnlockResultDto>(`/admin/users/${encodeURIComponent(id)}/unlock`),

  apiKeys: (signal?: AbortSignal) => api.get<{ items: ApiKeyDto[] }>('/admin/api-keys', undefined, signal).then(items),
  createApiKey: (body: unknown) => api.post<CreatedApiKeyDto>('/admin/api-keys', body),
  revokeApiKey: (id: string) => api.delete(`/admin/api-keys/${encodeURIComponent(id)}`),

  createCollection: (body: unknown) => api.post<CollectionDto>('/collections', body),
  updateCollection: (id: string, body: unknown) => api.patch<CollectionDto>(`/collections/${encodeURIComponent(id)}`, body),
  deleteCollection: (id: string) => api.delete(`/collections/${encodeURIComponent(id)}`),
  setMembers: (id: string, userIds: string[]) => api.put<CollectionDto>(`/collections/${encodeURIComponent(id)}/members`, { userIds }),

  settings: (signal?: AbortSignal) => api.get<SettingsDto>('/admin/settings', undefined, signal),
  updateSettings: (body: Partial<SettingsDto>) => api.put<SettingsDto>('/admin/settings', body),
  models: (signal?: AbortSignal) => api.get<ModelsDto>('/admin/models', undefined, signal),
  reindex: () => api.post<ReindexResultDto>('/admin/reindex'),

  audit: (limit: number, offset: number, filter: AuditFilter, signal?: AbortSignal) => api.get<Page<AuditEntryDto>>('/admin/audit', { limit, offset, ...filter }, signal),
  auditActions: (signal?: AbortSignal) => api.get<{ items: string[] }>('/admin/audit/actions', undefined, signal).then(items),
  status: (signal?: AbortSignal) => api.get<SystemStatusDto>('/admin/status', undefined, signal),
};
