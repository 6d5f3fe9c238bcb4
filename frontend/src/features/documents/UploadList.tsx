import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { formatBytes } from '../../ui/format.ts';
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
}

/** Is this row's story over: failed, cancelled, or its document ready or failed. */
export function isUploadFinished(item: UploadItem, doc: LiveDocument | undefined): boolean {
  if (item.phase === 'failed' || item.phase === 'cancelled') return true;
  return item.phase === 'stored' && (doc?.status === 'ready' || doc?.status === 'failed');
}

/** Each file being uploaded: its upload bar (bytes sent), then its live processing bar. */
export function UploadList({ items, documents, onCancel, onDismiss, onClearFinished }: UploadListProps) {
  if (items.length === 0) return null;
  const counts = { uploading: 0, processing: 0, ready: 0, failed: 0 };
  for (const item of items) {
    const doc = item.documentId ? documents.get(item.documentId) : undefined;
    if (item.phase === 'waiting' || item.phase === 'uploading') counts.uploading++;
    else if (item.phase === 'failed' || doc?.status === 'failed') counts.failed++;
    else if (doc?.status === 'ready') counts.ready++;
    else if (item.phase === 'stored') counts.processing++;
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
        </p>
        {finished && (
          <button type="button" className="button button-small button-ghost" onClick={onClearFinished}>
            Clear finished
          </button>
        )}
      </div>
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
    </li>
  );
}

