import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type { SourceDto } from '@contracts/chat.ts';
import { describeError } from '../../api/errors.ts';
import { documentFileUrl, openDocumentFile } from './openDocument.ts';

interface CitationPanelProps {
  /** The source to show. */
  source: SourceDto;
  /** All sources of the same answer, to move between them. */
  sources: SourceDto[];
  onSelect: (n: number) => void;
  onClose: () => void;
}

/** The side panel a citation chip opens: document, page, snippet and a link to the original at that page. */
export function CitationPanel({ source, sources, onSelect, onClose }: CitationPanelProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  // Focus goes back to the chip that opened the panel when it closes.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    return () => opener?.focus?.();
  }, []);

  useEffect(() => {
    headingRef.current?.focus();
    setOpenError(null);
  }, [source.n, source.documentId]);

  useEffect(() => {
    const handleKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', handleKey);
    return () => document.removeEventListener('keydown', handleKey);
  }, [onClose]);

  // A plain link cannot send the access token: fetch the file with it and open that instead. The
  // href stays the real address, for "copy link" and for a signed-in tab's context menu.
  function handleOpen(e: MouseEvent<HTMLAnchorElement>) {
    e.preventDefault();
    setOpenError(null);
    openDocumentFile(source.documentId, source.filename, source.page).catch((err: unknown) => setOpenError(describeError(err)));
  }

  const pageText = source.page ? `page ${source.page}` : 'no page numbers';
  return (
    <aside className="citation-panel" aria-labelledby="citation-title" data-testid="citation-panel">
      <div className="citation-head">
        <h2 id="citation-title" ref={headingRef} tabIndex={-1} className="section-title">
          Source {source.n}
        </h2>
        <button type="button" className="button button-ghost button-small" onClick={onClose} aria-label="Close source panel">
          Close
        </button>
      </div>
      <p className="citation-doc">
        <span className="citation-filename">{source.filename}</span>
        <span className="citation-page">{source.page ? `Page ${source.page}` : 'No page numbers in this format'}</span>
      </p>
      <blockquote className="citation-snippet">{source.snippet || 'No excerpt available.'}</blockquote>
      <a className="button button-primary citation-open" href={documentFileUrl(source.documentId, source.page)} target="_blank" rel="noopener noreferrer" onClick={handleOpen}>
        Open {source.filename}, {pageText}
      </a>
      {openError && (
        <p className="form-error" role="alert">
          {openError}
        </p>
      )}
      {sources.length > 1 && (
        <nav className="citation-others" aria-label="Other sources of this answer">
          <h3 className="citation-others-title">All sources of this answer</h3>
          <ul>
            {sources.map((s) => (
              <li key={s.n}>
                <button type="button" className={`source-link${s.n === source.n ? ' is-current' : ''}`} aria-current={s.n === source.n ? 'true' : undefined} onClick={() => onSelect(s.n)}>
                  <span className="cite-chip cite-chip-static" aria-hidden="true">
                    {s.n}
                  </span>
                  <span className="source-link-name">{s.filename}</span>
                  {s.page && <span className="muted"> · p. {s.page}</span>}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </aside>
  );
}
