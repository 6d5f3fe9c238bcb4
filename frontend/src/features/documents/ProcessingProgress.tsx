import type { IngestStage } from '@contracts/documents.ts';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { plural } from '../../ui/format.ts';
import type { LiveDocument } from './documents.api.ts';

export const STAGE_LABELS: Record<IngestStage, string> = {
  waiting: 'Waiting',
  parsing: 'Parsing',
  chunking: 'Chunking',
  embedding: 'Embedding',
  indexing: 'Indexing',
};

// What each stage has done to the items it counts: "3 of 12 pages parsed", "40 of 251 chunks embedded".
const STAGE_VERBS: Partial<Record<IngestStage, string>> = { parsing: 'parsed', chunking: 'made', embedding: 'embedded', indexing: 'indexed' };

/** The count behind the percent, in the unit the worker reported: "(40 of 251 chunks embedded)", or '' when unknown. */
export function describeStageCount(doc: LiveDocument): string {
  const verb = doc.stage ? STAGE_VERBS[doc.stage] : undefined;
  if (!verb || !doc.stageUnit || !doc.stageTotal) return '';
  const done = doc.stageDone ?? 0;
  if (doc.stage === 'chunking') return ` (${plural(doc.stageTotal, doc.stageUnit)} ${verb})`;
  return ` (${done} of ${plural(doc.stageTotal, doc.stageUnit)} ${verb})`;
}

/** One line for where a document is: "Embedding · 40%", "Ready", "Failed: …". */
export function describeProcessing(doc: LiveDocument): string {
  switch (doc.status) {
    case 'queued':
      return doc.error?.retryable ? 'Waiting to retry' : 'Queued';
    case 'processing':
      return `${doc.stage ? STAGE_LABELS[doc.stage] : 'Processing'} · ${doc.progress}%`;
    case 'ready':
      return 'Ready';
    case 'failed':
      return `Failed: ${doc.error?.message ?? 'unknown reason'}`;
  }
}

/** The live processing state of a document: a bar with stage and percent, then ready or the failure reason. */
export function ProcessingProgress({ doc }: { doc: LiveDocument }) {
  const text = describeProcessing(doc);
  if (doc.status === 'ready') {
    return (
      <div className="processing processing-ready">
        <ProgressBar value={100} label={`Processing ${doc.filename}`} valueText="Ready" tone="done" />
        <span className="processing-text">
          Ready{doc.chunkCount !== null ? ` · ${plural(doc.chunkCount, 'chunk')}` : ''}
          {doc.pageCount !== null ? ` · ${plural(doc.pageCount, 'page')}` : ''}
        </span>
      </div>
    );
  }
  if (doc.status === 'failed') {
    return (
      <div className="processing processing-failed">
        <ProgressBar value={doc.progress} label={`Processing ${doc.filename}`} valueText={text} tone="failed" />
        <span className="processing-text">{text}</span>
      </div>
    );
  }
  const detail = describeStageCount(doc);
  return (
    <div className="processing">
      <ProgressBar value={doc.status === 'queued' ? null : doc.progress} label={`Processing ${doc.filename}`} valueText={text} tone="process" />
      <span className="processing-text">
        {text}
        {detail}
      </span>
    </div>
  );
}
