import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { RedisConnection } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { reindexProgressSchema } from '../contracts/admin.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { Logger } from '../logger.ts';
import { confirmedWithin, JOBS, logQueueErrors, queueOptions, REINDEX_QUEUE, type IngestQueue, type JobData } from './jobs.ts';

/** Documents handed to ingestion per bulk add (and per progress report). */
export const REINDEX_BATCH = 500;

/** The queue of re-index requests: one job per request, carrying the documents it queued again. */
export function createReindexQueue(config: Pick<Config, 'redis' | 'ingest'>, connection: RedisConnection, logger: Logger) {
  const queue = new Queue<JobData<'reindex'>, void, 'reindex'>(REINDEX_QUEUE, queueOptions(config, connection));
  logQueueErrors(queue, logger, 'reindex');

  return {
    queue,
    /**
     * Enqueues one re-index job; call only after the documents' statuses are committed. Answers
     * `deferred` when Redis does not confirm within `waitMs` (the add stays queued in the
     * connection, and the sweep queues the documents from their statuses meanwhile).
     */
    async enqueue(data: JobData<'reindex'>, waitMs = 3000): Promise<'queued' | 'deferred'> {
      const parsed = JOBS.reindex.parse(data);
      return confirmedWithin(waitMs, () => queue.add('reindex', parsed, { jobId: randomUUID() }));
    },
    close: () => queue.close(),
  };
}

export type ReindexQueue = ReturnType<typeof createReindexQueue>;

/**
 * Hands a re-index request's documents to ingestion, a batch at a time, reporting how many it
 * has handed on. Idempotent: only documents still `queued` are added, each with jobId =
 * documentId, so a retried or resumed job skips what was re-ingested already and never adds a
 * second job for a document.
 */
export function createReindexProcessor(deps: { documents: Pick<DocumentsRepository, 'get'>; queue: Pick<IngestQueue, 'addMany'>; batchSize?: number }) {
  const batchSize = deps.batchSize ?? REINDEX_BATCH;
  return async function reindex(job: Pick<Job<JobData<'reindex'>>, 'data' | 'updateProgress'>): Promise<void> {
    const { documentIds, requestedBy } = JOBS.reindex.parse(job.data);
    const total = documentIds.length;
    for (let start = 0; start < total; start += batchSize) {
      const waiting = documentIds.slice(start, start + batchSize).filter((id) => deps.documents.get(id)?.status === 'queued');
      if (waiting.length > 0) await deps.queue.addMany(waiting);
      await job.updateProgress(reindexProgressSchema.parse({ requestedBy, done: Math.min(total, start + batchSize), total }));
    }
  };
}
