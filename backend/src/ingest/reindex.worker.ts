import { Worker, type ConnectionOptions } from 'bullmq';
import type { Config } from '../config.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { withLogContext, type Logger } from '../logger.ts';
import { cappedBackoff, queuePrefix, REINDEX_QUEUE, type IngestQueue, type JobData } from './jobs.ts';
import { createReindexProcessor } from './reindex.job.ts';

/**
 * Runs re-index jobs, one at a time. A job that fails (Redis went away while it added) is retried
 * with capped backoff; whatever happens to it, the sweep queues every document left `queued`
 * without an ingest job, so no document waits on a lost re-index.
 */
export function startReindexWorker(deps: { config: Config; connection: ConnectionOptions; documents: DocumentsRepository; queue: IngestQueue; logger: Logger }) {
  const { config, logger } = deps;
  const reindex = createReindexProcessor({ documents: deps.documents, queue: deps.queue });
  const worker = new Worker<JobData<'reindex'>, void>(
    REINDEX_QUEUE,
    (job) =>
      withLogContext({ jobId: String(job.id) }, async () => {
        await reindex(job);
        logger.info({ documents: job.data.documentIds.length }, 're-index handed every document to ingestion');
      }),
    {
      connection: deps.connection,
      prefix: queuePrefix(config),
      concurrency: 1,
      lockDuration: config.ingest.stallCheckMs,
      stalledInterval: config.ingest.stallCheckMs,
      settings: { backoffStrategy: cappedBackoff(config.ingest.retryMaxDelayMs) },
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'reindex worker error'));
  worker.on('failed', (job, err) => logger.warn({ err, jobId: job?.id }, 're-index job failed; it is retried, and the sweep queues its documents meanwhile'));

  return {
    worker,
    /**
     * Stops taking jobs and waits for the running one up to the grace period (it waits on Redis
     * while Redis is away); one cut short is taken back by another worker and resumes idempotently.
     */
    async close(): Promise<void> {
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.ingest.shutdownGraceMs).unref());
      if ((await Promise.race([worker.close(), timeout])) === 'timeout') await worker.close(true);
    },
  };
}
