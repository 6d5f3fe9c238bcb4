import { Queue } from 'bullmq';
import type { RedisConnection } from '../clients/redis.ts';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * Every job the workers run, with the schema of its data. `ingest`: one job per document, jobId =
 * documentId. `reindex`: one job per re-index request, which hands its documents to `ingest`.
 */
export const JOBS = {
  ingest: z.strictObject({ documentId: z.uuid() }),
  reindex: z.strictObject({ documentIds: z.array(z.uuid()).min(1), requestedBy: z.string().min(1).nullable() }),
} as const;
export type JobName = keyof typeof JOBS;
export type JobData<N extends JobName> = z.infer<(typeof JOBS)[N]>;

export const INGEST_QUEUE = 'ingest';
export const REINDEX_QUEUE = 'reindex';

export function queuePrefix(config: Pick<Config, 'redis'>): string {
  return `${config.redis.prefix}:bull`;
}

/** What the product's job queues share: the prefix, retries with capped backoff, failed jobs kept a week. */
export function queueOptions(config: Pick<Config, 'redis' | 'ingest'>, connection: RedisConnection) {
  return {
    connection,
    prefix: queuePrefix(config),
    defaultJobOptions: {
      attempts: config.ingest.attempts,
      backoff: { type: 'capped' },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
}

export function createIngestQueue(config: Pick<Config, 'redis' | 'ingest'>, connection: RedisConnection, logger: Logger) {
  const queue = new Queue<JobData<'ingest'>, void, 'ingest'>(INGEST_QUEUE, queueOptions(config, connection));
  logQueueErrors(queue, logger, 'ingest');

  const pauseLeaseKey = `${queuePrefix(config)}:${INGEST_QUEUE}:backup-pause-lease`;
  async function renewLease(leaseMs: number): Promise<void> {
    await connection.set(pauseLeaseKey, String(process.pid), 'PX', leaseMs);
  }

  // A finished job with the same id would make add() a no-op, so clear it first.
  async function clearFinished(documentId: string): Promise<void> {
    const previous = await queue.getJob(documentId);
    if (previous && !(await previous.isActive())) await previous.remove();
  }

  return {
    queue,
    /**
     * Enqueues ingestion of a document; call only after its row is committed. Answers `deferred`
     * when Redis does not confirm within `waitMs`: the add stays queued in the connection and
     * goes through when Redis is back, and the sweep re-queues the document if it was lost.
     */
    async enqueue(documentId: string, waitMs = 3000): Promise<'queued' | 'deferred'> {
      const data = JOBS.ingest.parse({ documentId });
      return confirmedWithin(waitMs, async () => {
        await clearFinished(documentId);
        await queue.add('ingest', data, { jobId: documentId });
      });
    },
    /**
     * Adds ingestion of many documents in one bulk add, for a re-index job; throws when Redis
     * fails, so the job retries. A document keeps one job (jobId = documentId): one that waits
     * already is replaced, one that runs already is left to finish.
     */
    async addMany(documentIds: string[]): Promise<void> {
      const jobs = documentIds.map((documentId) => ({ name: 'ingest' as const, data: JOBS.ingest.parse({ documentId }), opts: { jobId: documentId } }));
      await Promise.all(documentIds.map(clearFinished));
      await queue.addBulk(jobs);
    },
    /** Whether BullMQ holds a job for this document (waiting, delayed, active or failed). */
    async hasJob(documentId: string): Promise<boolean> {
      return (await queue.getJob(documentId)) !== undefined;
    },
    /**
     * What BullMQ holds for a document: a job that will still run (`live`: waiting, delayed or
     * active), a failed one with BullMQ's reason and when it failed, or `none` that will run again.
     */
    async jobState(documentId: string): Promise<JobState> {
      const job = await queue.getJob(documentId);
      if (!job) return { state: 'none' };
      const state = await job.getState();
      if (state === 'failed') return { state: 'failed', reason: job.failedReason, failedAt: job.finishedOn ?? 0 };
      if (state === 'completed' || state === 'unknown') return { state: 'none' };
      return { state: 'live' };
    },
    /** Drops a document's job if it has not started. */
    async cancel(documentId: string): Promise<void> {
      const job = await queue.getJob(documentId);
      if (job && !(await job.isActive())) await job.remove();
    },
    async depth() {
      return queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    },
    /**
     * Pauses ingestion for a backup: workers finish their running jobs and take no new ones, and
     * uploads still queue. The pause holds a lease in Redis that the holder renews; a pause whose
     * lease ran out (its backup died) is lifted by the sweep, so ingestion never stays stopped.
     */
    async pauseForBackup(leaseMs: number): Promise<void> {
      await renewLease(leaseMs);
      await queue.pause();
    },
    /** Keeps a backup's pause alive for another `leaseMs`. */
    renewPause: (leaseMs: number) => renewLease(leaseMs),
    /** Lifts a backup's pause. */
    async resumeAfterBackup(): Promise<void> {
      await queue.resume();
      await connection.del(pauseLeaseKey);
    },
    /** Resumes a queue left paused by a backup that is gone; answers whether it did. */
    async releaseStalePause(): Promise<boolean> {
      if (!(await queue.isPaused())) return false;
      if ((await connection.exists(pauseLeaseKey)) === 1) return false;
      await queue.resume();
      return true;
    },
    isPaused: () => queue.isPaused(),
    activeCount: () => queue.getActiveCount(),
    /** How many ingest workers are connected to this deployment's queue. */
    async workerCount(): Promise<number> {
      return (await queue.getWorkers()).length;
    },
    close: () => queue.close(),
  };
}

export type IngestQueue = ReturnType<typeof createIngestQueue>;

export type JobState = { state: 'live' } | { state: 'none' } | { state: 'failed'; reason: string; failedAt: number };

/** Exponential backoff from 1 s, capped, for transient failures (Ollama or Chroma away). */
export function cappedBackoff(maxDelayMs: number) {
  return (attemptsMade: number) => Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), maxDelayMs);
}

/** `queued` once Redis confirms the adds, `deferred` when it fails or does not answer within waitMs. */
export async function confirmedWithin(waitMs: number, adds: () => Promise<unknown>): Promise<'queued' | 'deferred'> {
  const add = adds().then(() => 'queued' as const);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'deferred'>((resolve) => (timer = setTimeout(() => resolve('deferred'), waitMs)));
  try {
    return await Promise.race([add.catch(() => 'deferred' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Logs a queue's connection errors at most every 30 s; the connection itself logs the outage. */
export function logQueueErrors(queue: Pick<Queue, 'on'>, logger: Logger, name: string): void {
  let lastLogged = 0;
  queue.on('error', (err: Error) => {
    if (Date.now() - lastLogged < 30_000) return;
    lastLogged = Date.now();
    logger.warn({ err: { message: err.message } }, `${name} queue cannot reach Redis`);
  });
}
