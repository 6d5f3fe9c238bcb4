import type { DocumentStatus } from '@contracts/documents.ts';
import type { LiveDocument } from './documents.api.ts';

export const SORT_KEYS = ['filename', 'kind', 'sizeBytes', 'pageCount', 'chunkCount', 'status', 'createdAt'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export interface DocumentView {
  search: string;
  status: DocumentStatus | 'all';
  sort: SortKey;
  dir: SortDir;
  page: number;
  pageSize: number;
}

const STATUS_ORDER: Record<DocumentStatus, number> = { failed: 0, processing: 1, queued: 2, ready: 3 };

function compare(a: LiveDocument, b: LiveDocument, key: SortKey): number {
  switch (key) {
    case 'filename':
    case 'kind':
      return a[key].localeCompare(b[key], undefined, { sensitivity: 'base', numeric: true });
    case 'status':
      return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    case 'createdAt':
      return a.createdAt.localeCompare(b.createdAt);
    default:
      // Unknown counts (null) sort after every known one.
      return (a[key] ?? Number.MAX_SAFE_INTEGER) - (b[key] ?? Number.MAX_SAFE_INTEGER);
  }
}

/** Searches (name, case-insensitive), filters by status, sorts and cuts one page. */
export function viewDocuments(all: LiveDocument[], view: DocumentView): { rows: LiveDocument[]; total: number; matching: LiveDocument[] } {
  const needle = view.search.trim().toLocaleLowerCase();
  const matching = all
    .filter((d) => (view.status === 'all' || d.status === view.status) && (!needle || d.filename.toLocaleLowerCase().includes(needle)))
    .sort((a, b) => {
      const order = compare(a, b, view.sort) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
      return view.dir === 'asc' ? order : -order;
    });
  const start = view.page * view.pageSize;
  return { rows: matching.slice(start, start + view.pageSize), total: matching.length, matching };
}

/** How many documents have each status, for the filter's labels. */
export function countByStatus(all: LiveDocument[]): Record<DocumentStatus | 'all', number> {
  const counts = { all: all.length, queued: 0, processing: 0, ready: 0, failed: 0 };
  for (const d of all) counts[d.status]++;
  return counts;
}
