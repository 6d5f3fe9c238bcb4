import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Config } from '../config.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { withLogContext, type Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { FailDocument } from './fail-document.ts';
import { classifyIngestError, describeJobFailure } from './failure.ts';
import { cappedBackoff, INGEST_QUEUE, queuePrefix, type JobData } from './jobs.ts';

/**
 * Runs ingest jobs. Permanent failures fail the document at once; transient ones put it back to
 * `queued` (stage `waiting`, with the reason) and BullMQ retries with capped exponential backoff.
 * A job BullMQ fails on its own (its worker died twice while running it) fails the document too.
 */
export function startIngestWorker(deps: {
  config: Config;
  connection: ConnectionOptions;
  documents: DocumentsRepository;
  fail: FailDocument;
  /** Runs one ingest job (parse, chunk, embed, index). */
  ingest: (job: Job<JobData<'ingest'>>) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
}) {
  const { config, documents, logger } = deps;
  const outcomes = deps.metrics.ingest.documents;
  const worker = new Worker<JobData<'ingest'>, void>(
    INGEST_QUEUE,
    (job) =>
      // Every line logged while the job runs (parser, embedder, stores) carries its id.
      withLogContext({ jobId: String(job.id) }, async () => {
        try {
          await deps.ingest(job);
          if (documents.get(job.data.documentId)?.status === 'ready') outcomes.inc({ outcome: 'ready', reason: 'none' });
        } catch (err) {
          throw await recordFailure(job, err);
        }
      }),
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
  // The worker that ran this job died; BullMQ gave it back to the queue and a worker resumes it.
  worker.on('stalled', (jobId) => {
    if (documents.get(jobId)?.status !== 'processing') return;
    logger.warn({ jobId, documentId: jobId }, 'the worker running this ingest job stopped; it starts again');
    documents.setStatus(jobId, 'queued', { stage: 'waiting', error: { code: 'worker_lost', message: 'the worker processing this document stopped; processing starts again', retryable: true } });
  });
  // Failures the processor never saw (BullMQ fails a job that stalled too often without running it).
  worker.on('failed', (job) => {
    if (job) void failOutsideProcessor(job).catch((err: unknown) => logger.error({ err, jobId: job.id }, 'could not record a failed ingest job'));
  });

  async function failOutsideProcessor(job: Job<JobData<'ingest'>>): Promise<void> {
    const { documentId } = job.data;
    const status = documents.get(documentId)?.status;
    if (status !== 'queued' && status !== 'processing') return; // the processor recorded it already
    if ((await job.getState()) !== 'failed') return; // it will be retried
    const { code, message } = describeJobFailure(job.failedReason);
    logger.warn({ jobId: job.id, documentId, code, reason: job.failedReason }, 'ingest job failed outside the processor');
    await deps.fail(documentId, { code, message, retryable: true });
    outcomes.inc({ outcome: 'failed', reason: code });
  }

  // Writes what went wrong to the document, and tells BullMQ whether to retry.
  async function recordFailure(job: Job<JobData<'ingest'>>, err: unknown): Promise<Error> {
    const { documentId } = job.data;
    const failure = classifyIngestError(err);
    const log = logger.child({ documentId });
    if (failure.permanent) {
      log.warn({ code: failure.code, reason: failure.message }, 'ingestion failed permanently');
      await deps.fail(documentId, { code: failure.code, message: failure.message, retryable: false });
      outcomes.inc({ outcome: 'failed', reason: failure.code });
      return new UnrecoverableError(failure.message);
    }
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      log.error({ err, code: failure.code }, 'ingestion gave up after the last attempt');
      const message = `gave up after ${attempts} attempts: ${failure.message}`;
      await deps.fail(documentId, { code: failure.code, message, retryable: true });
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
