import { DOCUMENT_STATUSES, type DocumentStatus } from '@contracts/documents.ts';
import type { CollectionDto } from '@contracts/admin.ts';

const STATUS_LABELS: Record<DocumentStatus | 'all', string> = { all: 'All statuses', queued: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed' };

interface ToolbarProps {
  collections: CollectionDto[];
  collectionId: string;
  onCollection: (id: string) => void;
  search: string;
  onSearch: (value: string) => void;
  status: DocumentStatus | 'all';
  counts: Record<DocumentStatus | 'all', number>;
  onStatus: (value: DocumentStatus | 'all') => void;
}

/** Collection switcher, name search and status filter above the table. */
export function DocumentsToolbar({ collections, collectionId, onCollection, search, onSearch, status, counts, onStatus }: ToolbarProps) {
  return (
    <div className="toolbar" role="search" aria-label="Find documents">
      <label className="field field-inline">
        <span className="field-label">Collection</span>
        <select value={collectionId} onChange={(e) => onCollection(e.target.value)} data-testid="collection-switcher">
          {collections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.documentCount})
            </option>
          ))}
          {!collections.some((c) => c.id === collectionId) && <option value={collectionId}>{collectionId}</option>}
        </select>
      </label>
      <label className="field field-inline field-grow">
        <span className="field-label">Search</span>
        <input type="search" placeholder="Search by name" value={search} onChange={(e) => onSearch(e.target.value)} />
      </label>
      <label className="field field-inline">
        <span className="field-label">Status</span>
        <select value={status} onChange={(e) => onStatus(e.target.value as DocumentStatus | 'all')}>
          {(['all', ...DOCUMENT_STATUSES] as const).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]} ({counts[s]})
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
