import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { formatBytes, formatDate, formatNumber } from '../../ui/format.ts';
import { ActionsHeader, RowAction } from '../../ui/RowAction.tsx';
import { uploaderOf, type LiveDocument } from './documents.api.ts';
import type { SortDir, SortKey } from './documentView.ts';
import { StatusCell } from './StatusCell.tsx';

interface DocumentsTableProps {
  rows: LiveDocument[];
  canEdit: boolean;
  selected: Set<string>;
  onToggle: (id: string) => void;
  onToggleAll: (ids: string[], select: boolean) => void;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  onDelete: (doc: LiveDocument) => void;
  onRetry: (doc: LiveDocument) => void;
}

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'filename', label: 'Name' },
  { key: 'kind', label: 'Type' },
  { key: 'sizeBytes', label: 'Size', numeric: true },
  { key: 'pageCount', label: 'Pages', numeric: true },
  { key: 'chunkCount', label: 'Chunks', numeric: true },
  { key: 'status', label: 'Status' },
  { key: 'createdAt', label: 'Added' },
];

/** The documents of a page, sortable by column; selection and actions only for those who may edit. */
export function DocumentsTable({ rows, canEdit, selected, onToggle, onToggleAll, sort, dir, onSort, onDelete, onRetry }: DocumentsTableProps) {
  const showUploader = rows.some((d) => uploaderOf(d) !== null);
  const ids = rows.map((d) => d.id);
  const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));

  const header = (key: SortKey, label: string, numeric?: boolean): ReactNode => (
    <th key={key} scope="col" aria-sort={sort === key ? (dir === 'asc' ? 'ascending' : 'descending') : undefined} className={numeric ? 'num' : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(key)}>
        {label}
        <span className="sort-indicator" aria-hidden="true">
          {sort === key ? (dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );

  return (
    <div className="table-wrap">
      <table className="table documents-table">
        <caption className="visually-hidden">Documents, sorted by {COLUMNS.find((c) => c.key === sort)?.label} {dir === 'asc' ? 'ascending' : 'descending'}</caption>
        <thead>
          <tr>
            {canEdit && (
              <th scope="col" className="select-cell">
                <input type="checkbox" aria-label="Select all documents on this page" checked={allSelected} onChange={(e) => onToggleAll(ids, e.target.checked)} />
              </th>
            )}
            {COLUMNS.slice(0, 6).map((c) => header(c.key, c.label, c.numeric))}
            {showUploader && <th scope="col">Uploader</th>}
            {header('createdAt', 'Added')}
            {canEdit && <ActionsHeader />}
          </tr>
        </thead>
        <tbody>
          {rows.map((doc) => (
            <tr key={doc.id} data-testid="document-row" data-status={doc.status} className={selected.has(doc.id) ? 'is-selected' : undefined}>
              {canEdit && (
                <td className="select-cell">
                  <input type="checkbox" aria-label={`Select ${doc.filename}`} checked={selected.has(doc.id)} onChange={() => onToggle(doc.id)} />
                </td>
              )}
              <th scope="row" className="name-cell" data-label="Name">
                <Link href={`/documents/${encodeURIComponent(doc.id)}`} className="doc-name doc-link" title={doc.filename}>
                  {doc.filename}
                </Link>
              </th>
              <td data-label="Type">
                <span className="kind">{doc.kind.toUpperCase()}</span>
              </td>
              <td data-label="Size" className="num">
                {formatBytes(doc.sizeBytes)}
              </td>
              <td data-label="Pages" className="num">
                {formatNumber(doc.pageCount)}
              </td>
              <td data-label="Chunks" className="num">
                {formatNumber(doc.chunkCount)}
              </td>
              <td data-label="Status" className="status-cell">
                <StatusCell doc={doc} />
              </td>
              {showUploader && <td data-label="Uploader">{uploaderOf(doc) ?? '—'}</td>}
              <td data-label="Added" className="date-cell">
                {formatDate(doc.createdAt)}
              </td>
              {canEdit && (
                <td className="actions-cell">
                  {doc.status === 'failed' && <RowAction label="Retry" item={doc.filename} onClick={() => onRetry(doc)} />}
                  <RowAction label="Delete" item={doc.filename} danger onClick={() => onDelete(doc)} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
