import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Config } from '../config.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { classifyIngestError } from './failure.ts';
import { cappedBackoff, INGEST_QUEUE, queuePrefix, type JobData } from './jobs.ts';

/**
 * Runs ingest jobs. Permanent failures fail the document at once; transient ones put it back to
 * `queued` (stage `waiting`, with the reason) and BullMQ retries with capped exponential backoff.
 */
export function startIngestWorker(deps: {
  config: Config;
  connection: ConnectionOptions;
  documents: DocumentsRepository;
  process: (job: Job<JobData<'ingest'>>) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
}) {
  const { config, documents, logger } = deps;
  const outcomes = deps.metrics.ingest.documents;
  const worker = new Worker<JobData<'ingest'>, void>(
    INGEST_QUEUE,
    async (job) => {
      try {
        await deps.process(job);
        if (documents.get(job.data.documentId)?.status === 'ready') outcomes.inc({ outcome: 'ready', reason: 'none' });
      } catch (err) {
        throw recordFailure(job, err);
      }
    },
    {
      connection: deps.connection,
      prefix: queuePrefix(config),
      concurrency: config.ingest.concurrency,
      // A worker killed mid-job loses its lock; another worker takes the job back after this long.
      lockDuration: config.ingest.stallCheckMs,
      stalledInterval: config.ingest.stallCheckMs,
      settings: { backoffStrategy: cappedBackoff(config.ingest.retryMaxDelayMs) },
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'ingest worker error'));

  // Writes what went wrong to the document, and tells BullMQ whether to retry.
  function recordFailure(job: Job<JobData<'ingest'>>, err: unknown): Error {
    const { documentId } = job.data;
    const failure = classifyIngestError(err);
    const log = logger.child({ jobId: job.id, documentId });
    if (failure.permanent) {
      log.warn({ code: failure.code, reason: failure.message }, 'ingestion failed permanently');
      documents.setStatus(documentId, 'failed', { stage: null, error: { code: failure.code, message: failure.message, retryable: false } });
      outcomes.inc({ outcome: 'failed', reason: failure.code });
      return new UnrecoverableError(failure.message);
    }
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      log.error({ err, code: failure.code }, 'ingestion gave up after the last attempt');
      const message = `gave up after ${attempts} attempts: ${failure.message}`;
      documents.setStatus(documentId, 'failed', { stage: null, error: { code: failure.code, message, retryable: true } });
      outcomes.inc({ outcome: 'failed', reason: failure.code });
    } else {
      log.warn({ err, code: failure.code, attempt: job.attemptsMade + 1 }, 'ingestion will be retried');
      documents.setStatus(documentId, 'queued', { stage: 'waiting', error: { code: failure.code, message: failure.message, retryable: true } });
      outcomes.inc({ outcome: 'retried', reason: failure.code });
    }
    return err instanceof Error ? err : new Error(failure.message);
  }

  return {
    worker,
    /** Stops taking jobs and waits for running ones, up to the grace period. */
    async drain(): Promise<void> {
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.ingest.shutdownGraceMs).unref());
      const result = await Promise.race([worker.close(), timeout]);
      if (result === 'timeout') {
        logger.warn('running jobs did not finish within the grace period; they will be retried');
        await worker.close(true);
      }
    },
  };
}
