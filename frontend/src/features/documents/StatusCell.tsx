import { ProgressBar } from '../../ui/ProgressBar.tsx';
import type { LiveDocument } from './documents.api.ts';
import { describeProcessing, STAGE_LABELS } from './ProcessingProgress.tsx';

const BADGE: Record<LiveDocument['status'], string> = { queued: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed' };

/** Status badge, with a slim live bar while processing and the reason when it failed. */
export function StatusCell({ doc }: { doc: LiveDocument }) {
  return (
    <div className="status">
      <span className={`badge badge-${doc.status}`}>{BADGE[doc.status]}</span>
      {doc.status === 'processing' && (
        <div className="status-progress">
          <ProgressBar value={doc.progress} label={`Processing ${doc.filename}`} valueText={describeProcessing(doc)} />
          <span className="status-detail">
            {doc.stage ? STAGE_LABELS[doc.stage] : 'Processing'} · {doc.progress}%
          </span>
        </div>
      )}
      {doc.status === 'queued' && doc.error?.retryable && <span className="status-detail">Will retry: {doc.error.message}</span>}
      {doc.status === 'failed' && (
        <span className="status-reason">
          <span className="visually-hidden">Reason: </span>
          {doc.error?.message ?? 'unknown reason'}
        </span>
      )}
    </div>
  );
}
