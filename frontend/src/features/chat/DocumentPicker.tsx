import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DocumentListDto } from '@contracts/documents.ts';
import { api } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import { usePopover } from '../../ui/usePopover.ts';

/** A document a question is limited to. */
export interface ChosenDocument {
  id: string;
  filename: string;
}

/** The API accepts at most this many documents in one question. */
export const MAX_ASKED_DOCUMENTS = 20;

export const readyDocumentsKey = ['documents', 'ready'] as const;
const fetchReadyDocuments = (signal?: AbortSignal) => api.get<DocumentListDto>('/documents', { status: 'ready', limit: 200 }, signal);

interface DocumentPickerProps {
  /** Chosen documents; empty means the question is not limited to documents. */
  value: ChosenDocument[];
  onChange: (documents: ChosenDocument[]) => void;
}

/** Limit a question to a few ready documents: a filterable checkbox list, and the chosen ones as removable chips. */
export function DocumentPicker({ value, onChange }: DocumentPickerProps) {
  const { open, setOpen, ref, handleKeyDown } = usePopover();
  const [filter, setFilter] = useState('');
  const menuId = useId();
  const documents = useQuery({ queryKey: readyDocumentsKey, queryFn: ({ signal }) => fetchReadyDocuments(signal), enabled: open });
  const needle = filter.trim().toLowerCase();
  const shown = (documents.data?.items ?? []).filter((d) => d.filename.toLowerCase().includes(needle));
  const full = value.length >= MAX_ASKED_DOCUMENTS;

  function handleToggle(doc: ChosenDocument) {
    const chosen = value.some((d) => d.id === doc.id);
    onChange(chosen ? value.filter((d) => d.id !== doc.id) : [...value, { id: doc.id, filename: doc.filename }]);
  }

  return (
    <div className="picker document-picker" ref={ref} onKeyDown={handleKeyDown}>
      <button type="button" className="button button-small button-ghost document-picker-button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen((v) => !v)}>
        Limit to documents
      </button>
      {open && (
        <fieldset className="picker-menu" id={menuId}>
          <legend className="picker-legend">Documents to ask</legend>
          <input
            type="search"
            className="document-picker-filter"
            aria-label="Filter documents"
            placeholder="Filter by name"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            autoFocus
          />
          {documents.isPending && <p className="muted">Loading documents…</p>}
          {documents.isError && <p role="alert">{describeError(documents.error)}</p>}
          {documents.isSuccess && shown.length === 0 && <p className="muted">{needle ? 'No document matches.' : 'No ready documents yet.'}</p>}
          {full && <p className="muted">At most {MAX_ASKED_DOCUMENTS} documents per question.</p>}
          {shown.map((d) => {
            const chosen = value.some((v) => v.id === d.id);
            return (
              <label key={d.id} className="check">
                <input type="checkbox" checked={chosen} disabled={!chosen && full} onChange={() => handleToggle(d)} />
                {d.filename}
              </label>
            );
          })}
        </fieldset>
      )}
      {value.length > 0 && (
        <span className="document-scope" data-testid="document-scope">
          Ask only:{' '}
          <span className="document-chips" role="list" aria-label="Documents asked">
            {value.map((d) => (
              <span key={d.id} className="document-chip" role="listitem">
                {d.filename}
                <button type="button" className="document-chip-remove" aria-label={`Remove ${d.filename}`} onClick={() => onChange(value.filter((v) => v.id !== d.id))}>
                  ×
                </button>
              </span>
            ))}
          </span>
          <button type="button" className="button button-small button-ghost" aria-label="Ask all documents again" onClick={() => onChange([])}>
            Clear
          </button>
        </span>
      )}
    </div>
  );
}
