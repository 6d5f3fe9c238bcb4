import type { SystemStatusDto } from '@contracts/admin.ts';
import { api } from '../../api/client.ts';

export type DependencyCheck = SystemStatusDto['checks'][keyof SystemStatusDto['checks']];

/** The status page's view: GET /api/v1/admin/status and when it was read. */
export interface StatusView extends SystemStatusDto {
  checkedAt: number;
}

export async function fetchStatus(signal?: AbortSignal): Promise<StatusView> {
  const status = await api.get<SystemStatusDto>('/admin/status', undefined, signal);
  return { ...status, checkedAt: Date.now() };
}
