import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { Logger } from '../logger.ts';
import type { IngestQueue } from './jobs.ts';

/**
 * The queue lives in Redis and can lose a job (an outage while a document was uploaded, or Redis
 * restarted without its data). SQLite is the source of truth: every so often, each document that
 * should be queued or processing but has no job gets one again. Ingestion is idempotent, so a
 * document queued twice is still ingested once.
 */
export function startIngestSweep(deps: { documents: DocumentsRepository; queue: IngestQueue; intervalMs: number; logger: Logger }) {
  const { documents, queue, logger } = deps;
  let running: Promise<void> | null = null;

  async function sweep(): Promise<number> {
    if (await queue.releaseStalePause()) logger.warn('resumed ingestion left paused by a backup that did not finish');
    let requeued = 0;
    // Older than one interval, so an upload that is enqueueing right now is left alone.
    for (const id of documents.unfinishedIds(new Date(Date.now() - deps.intervalMs).toISOString())) {
      if (await queue.hasJob(id)) continue;
      if ((await queue.enqueue(id)) === 'queued') requeued++;
    }
    if (requeued > 0) logger.info({ requeued }, 're-queued documents that had no ingest job');
    return requeued;
  }

  const tick = () => {
    running ??= sweep()
      .then(() => undefined)
      .catch((err: unknown) => logger.warn({ err }, 'ingest sweep failed; it runs again shortly'))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  tick();

  return {
    sweep,
    /** Stops sweeping; a sweep under way is not waited for (it may be waiting on Redis). */
    stop() {
      clearInterval(timer);
    },
  };
}
