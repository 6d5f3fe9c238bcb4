import type { QueueEvents } from 'bullmq';
import { reindexProgressSchema } from '../contracts/admin.ts';
import { ingestProgressSchema } from '../contracts/documents.ts';
import type { ServerToClientEvents } from '../contracts/events.ts';
import { presentDocument } from '../documents/documents.presenter.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { failedOutsideProcessor } from '../ingest/failure.ts';
import type { Logger } from '../logger.ts';
import { collectionRoom, userRoom } from './rooms.ts';

/** Every BullMQ queue event the gateway relays, by queue and kind. */
export type JobEvent =
  | { kind: 'ingest.progress'; jobId: string; data: unknown }
  | { kind: 'ingest.completed'; jobId: string }
  | { kind: 'ingest.failed'; jobId: string; failedReason: string }
  | { kind: 'ingest.delayed'; jobId: string }
  | { kind: 'reindex.progress'; jobId: string; data: unknown };

/** Sends one event to the sockets of a room (in the gateway: this process's own sockets). */
export type EmitToRoom = <E extends keyof ServerToClientEvents>(room: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

/**
 * Turns queue events into socket events. Progress carries its document and collection, so it goes
 * out without touching the database; a finished job (completed, failed, delayed for a retry) is
 * announced with the document's state as the worker wrote it to SQLite, the source of truth.
 */
export function createJobEventRelay(deps: { documents: Pick<DocumentsRepository, 'get'>; emit: EmitToRoom; logger: Logger; pollMs?: number; maxWaitMs?: number }) {
  const { documents, emit, logger } = deps;
  const pollMs = deps.pollMs ?? 200;
  const maxWaitMs = deps.maxWaitMs ?? 10_000;
  let closed = false;

  // A failed attempt either failed the document for good or put it back to wait for a retry.
  const relayState = (jobId: string) => {
    const row = documents.get(jobId);
    if (!row) return;
    if (row.status === 'failed') emit(collectionRoom(row.collection_id), 'document.failed', presentDocument(row));
    else if (row.status === 'queued') emit(collectionRoom(row.collection_id), 'document.queued', presentDocument(row));
  };
  // A job BullMQ failed on its own is recorded by a worker just after this event: wait for it.
  const relayFailure = async (jobId: string, failedReason: string) => {
    for (let waited = 0; failedOutsideProcessor(failedReason) && waited < maxWaitMs && !closed; waited += pollMs) {
      const status = documents.get(jobId)?.status;
      if (status !== 'queued' && status !== 'processing') break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    if (!closed) relayState(jobId);
  };

  function relay(event: JobEvent): void {
    switch (event.kind) {
      case 'ingest.progress': {
        const progress = ingestProgressSchema.safeParse(event.data);
        if (progress.success) emit(collectionRoom(progress.data.collectionId), 'document.progress', progress.data);
        return;
      }
      case 'ingest.completed': {
        const row = documents.get(event.jobId);
        if (row?.status === 'ready') emit(collectionRoom(row.collection_id), 'document.ready', presentDocument(row));
        return;
      }
      case 'ingest.failed':
        void relayFailure(event.jobId, event.failedReason).catch((err: unknown) => logger.warn({ err, jobId: event.jobId }, 'could not relay a failed job'));
        return;
      case 'ingest.delayed':
        relayState(event.jobId);
        return;
      case 'reindex.progress': {
        const progress = reindexProgressSchema.safeParse(event.data);
        if (progress.success && progress.data.requestedBy) emit(userRoom(progress.data.requestedBy), 'reindex.progress', { done: progress.data.done, total: progress.data.total });
        return;
      }
      default: {
        const _never: never = event;
        logger.warn({ event: _never }, 'a queue event with no handler');
      }
    }
  }

  return {
    relay,
    /** Stops relaying; failures still waiting for their worker are dropped. */
    close() {
      closed = true;
    },
  };
}

/** Feeds the events of the ingest and re-index queues to `relay`, each as its JobEvent. */
export function listenToQueues(queues: { ingest: QueueEvents; reindex: QueueEvents }, relay: (event: JobEvent) => void): void {
  queues.ingest.on('progress', ({ jobId, data }) => relay({ kind: 'ingest.progress', jobId, data }));
  queues.ingest.on('completed', ({ jobId }) => relay({ kind: 'ingest.completed', jobId }));
  queues.ingest.on('failed', ({ jobId, failedReason }) => relay({ kind: 'ingest.failed', jobId, failedReason }));
  queues.ingest.on('delayed', ({ jobId }) => relay({ kind: 'ingest.delayed', jobId }));
  queues.reindex.on('progress', ({ jobId, data }) => relay({ kind: 'reindex.progress', jobId, data }));
}
