import { useRef, type ChangeEvent } from 'react';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { formatBytes, plural } from '../../ui/format.ts';
import type { LiveDocument } from './documents.api.ts';
import { ProcessingProgress } from './ProcessingProgress.tsx';
import type { UploadItem } from './uploadQueue.ts';
import { useFirstProgressTiming } from './useFirstProgressTiming.ts';

interface UploadListProps {
  items: UploadItem[];
  /** Live documents by id, to show processing once the bytes are stored. */
  documents: Map<string, LiveDocument>;
  onCancel: (key: string) => void;
  onDismiss: (key: string) => void;
  onClearFinished: () => void;
  /** Files picked again for the rows the page dropped before sending them. */
  onRepick: (files: File[]) => void;
}

/** Is this row's story over: failed, cancelled, or its document ready or failed. */
export function isUploadFinished(item: UploadItem, doc: LiveDocument | undefined): boolean {
  if (item.phase === 'failed' || item.phase === 'cancelled' || item.phase === 'interrupted') return true;
  return item.phase === 'stored' && (doc?.status === 'ready' || doc?.status === 'failed');
}

/** Each file being uploaded: its upload bar (bytes sent), then its live processing bar. */
export function UploadList({ items, documents, onCancel, onDismiss, onClearFinished, onRepick }: UploadListProps) {
  const pickRef = useRef<HTMLInputElement>(null);
  if (items.length === 0) return null;
  const interrupted = items.filter((i) => i.phase === 'interrupted');
  const counts = { uploading: 0, processing: 0, ready: 0, failed: 0, notSent: 0 };
  for (const item of items) {
    const doc = item.documentId ? documents.get(item.documentId) : undefined;
    if (item.phase === 'waiting' || item.phase === 'uploading') counts.uploading++;
    else if (item.phase === 'interrupted') counts.notSent++;
    else if (item.phase === 'failed' || doc?.status === 'failed') counts.failed++;
    else if (doc?.status === 'ready') counts.ready++;
    else if (item.phase === 'stored') counts.processing++;
  }
  function handlePick(e: ChangeEvent<HTMLInputElement>) {
    onRepick(Array.from(e.target.files ?? []));
    e.target.value = '';
  }
  const finished = items.some((i) => isUploadFinished(i, i.documentId ? documents.get(i.documentId) : undefined));

  return (
    <section className="uploads card" aria-labelledby="uploads-title">
      <div className="uploads-head">
        <h2 id="uploads-title" className="section-title">
          Uploads
        </h2>
        <p className="uploads-summary muted" aria-live="polite">
          {counts.uploading} uploading · {counts.processing} processing · {counts.ready} ready
          {counts.failed > 0 ? ` · ${counts.failed} failed` : ''}
          {counts.notSent > 0 ? ` · ${counts.notSent} not sent` : ''}
        </p>
        {finished && (
          <button type="button" className="button button-small button-ghost" onClick={onClearFinished}>
            Clear finished
          </button>
        )}
      </div>
      {interrupted.length > 0 && (
        <div className="uploads-interrupted" role="status">
          <p>
            {interrupted.length === 1 ? `${interrupted[0]!.name} was not sent` : `${plural(interrupted.length, 'file')} were not sent`}: the page was reloaded or left
            before {interrupted.length === 1 ? 'its' : 'their'} upload finished.
          </p>
          <button type="button" className="button button-primary button-small" onClick={() => pickRef.current?.click()}>
            Pick {interrupted.length === 1 ? 'it' : 'them'} again
          </button>
          <input ref={pickRef} type="file" multiple className="visually-hidden" tabIndex={-1} onChange={handlePick} aria-label="Files to pick again" data-testid="repick-input" />
        </div>
      )}
      <ul className="upload-list">
        {items.map((item) => (
          <UploadRow key={item.key} item={item} doc={item.documentId ? documents.get(item.documentId) : undefined} onCancel={onCancel} onDismiss={onDismiss} />
        ))}
      </ul>
    </section>
  );
}

interface RowProps {
  item: UploadItem;
  doc: LiveDocument | undefined;
  onCancel: (key: string) => void;
  onDismiss: (key: string) => void;
}

function UploadRow({ item, doc, onCancel, onDismiss }: RowProps) {
  useFirstProgressTiming(item, doc);
  const sending = item.phase === 'waiting' || item.phase === 'uploading';
  const percent = item.total > 0 ? (item.loaded / item.total) * 100 : 0;
  return (
    <li className={`upload upload-${item.phase}`} data-testid="upload-row">
      <div className="upload-head">
        <span className="upload-name" title={item.name}>
          {item.name}
        </span>
        <span className="upload-size muted">{formatBytes(item.size)}</span>
        {sending ? (
          <button type="button" className="button button-small button-ghost" onClick={() => onCancel(item.key)} aria-label={`Cancel upload of ${item.name}`}>
            Cancel
          </button>
        ) : (
          <button type="button" className="button button-small button-ghost" onClick={() => onDismiss(item.key)} aria-label={`Dismiss ${item.name}`}>
            Dismiss
          </button>
        )}
      </div>
      {item.phase === 'waiting' && <ProgressBar value={0} label={`Uploading ${item.name}`} valueText="Waiting to upload" tone="upload" />}
      {item.phase === 'waiting' && <span className="processing-text">Waiting to upload</span>}
      {item.phase === 'uploading' && (
        <>
          <ProgressBar value={percent} label={`Uploading ${item.name}`} valueText={`Uploading · ${Math.round(percent)}%`} tone="upload" />
          <span className="processing-text">
            Uploading · {Math.round(percent)}% ({formatBytes(item.loaded)} of {formatBytes(item.total)})
          </span>
        </>
      )}
      {item.phase === 'stored' && item.duplicate && <span className="upload-note">Already in this collection — showing the existing document.</span>}
      {item.phase === 'stored' &&
        (doc ? (
          <ProcessingProgress doc={doc} />
        ) : (
          <>
            <ProgressBar value={null} label={`Processing ${item.name}`} valueText="Uploaded, waiting for processing" tone="process" />
            <span className="processing-text">Uploaded · waiting for processing</span>
          </>
        ))}
      {item.phase === 'failed' && (
        <p className="upload-error" role="alert">
          Upload failed: {item.error}
        </p>
      )}
      {item.phase === 'cancelled' && <span className="processing-text muted">Cancelled</span>}
      {item.phase === 'interrupted' && <span className="processing-text upload-not-sent">Not sent · the page was reloaded before the upload finished</span>}
    </li>
  );
}

