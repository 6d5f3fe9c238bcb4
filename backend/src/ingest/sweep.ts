import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { Logger } from '../logger.ts';
import type { FailDocument } from './fail-document.ts';
import { describeJobFailure } from './failure.ts';
import type { IngestQueue } from './jobs.ts';

interface SweepDeps {
  documents: DocumentsRepository;
  queue: IngestQueue;
  fail: FailDocument;
  intervalMs: number;
  logger: Logger;
}

/**
 * The queue lives in Redis and can lose a job (an outage while a document was uploaded, or Redis
 * restarted without its data), and BullMQ can fail a job where the product does not see it (a
 * worker that died twice while running it). SQLite is the source of truth: each document that
 * should be queued or processing is checked against its job. No job: it gets one again
 * (ingestion is idempotent, so a document queued twice is still ingested once). A job that failed
 * after the document last changed: the document fails with BullMQ's reason, retryable.
 */
export function createIngestSweep(deps: SweepDeps) {
  const { documents, queue, logger } = deps;
  return async function sweep(): Promise<{ requeued: number; failed: number }> {
    if (await queue.releaseStalePause()) logger.warn('resumed ingestion left paused by a backup that did not finish');
    let requeued = 0;
    let failed = 0;
    // Older than one interval, so an upload that is enqueueing right now is left alone.
    for (const id of documents.unfinishedIds(new Date(Date.now() - deps.intervalMs).toISOString())) {
      const job = await queue.jobState(id);
      if (job.state === 'live') continue;
      const doc = documents.get(id);
      if (!doc || (doc.status !== 'queued' && doc.status !== 'processing')) continue;
      // A failed job older than the document's last change is one a retry has not replaced yet.
      if (job.state === 'failed' && job.failedAt >= Date.parse(doc.updated_at)) {
        const { code, message } = describeJobFailure(job.reason);
        logger.warn({ documentId: id, code, reason: job.reason }, 'document was left unfinished by a failed ingest job');
        await deps.fail(id, { code, message, retryable: true });
        failed++;
        continue;
      }
      if ((await queue.enqueue(id)) === 'queued') requeued++;
    }
    if (requeued > 0) logger.info({ requeued }, 're-queued documents that had no ingest job');
    return { requeued, failed };
  };
}

/** Runs the sweep now and every intervalMs, one sweep at a time. */
export function startIngestSweep(deps: SweepDeps) {
  const sweep = createIngestSweep(deps);
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= sweep()
      .then(() => undefined)
      .catch((err: unknown) => deps.logger.warn({ err }, 'ingest sweep failed; it runs again shortly'))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  tick();

  return {
    /** Stops sweeping; a sweep under way is not waited for (it may be waiting on Redis). */
    stop() {
      clearInterval(timer);
    },
  };
}
