import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { QueueEvents, type ConnectionOptions } from 'bullmq';
import { Server } from 'socket.io';
import { z } from 'zod';
import { createRedis } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/events.ts';
import type { DocumentEventBus } from '../documents/document-events.ts';
import { presentDocument } from '../documents/documents.presenter.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { INGEST_QUEUE, progressSchema, queuePrefix } from '../ingest/jobs.ts';
import type { Logger } from '../logger.ts';

const subscribeSchema = z.strictObject({ collectionIds: z.array(z.string().min(1).max(100)).min(1).max(50) });
export const collectionRoom = (id: string) => `collection:${id}`;

/**
 * socket.io on the api. Job events come from BullMQ QueueEvents (every api process sees them all,
 * so each emits only to its own sockets); upload and delete events are raised here and go through
 * the Redis adapter to every api process.
 */
export async function startGateway(deps: {
  config: Config;
  server: http.Server;
  connection: ConnectionOptions;
  documents: DocumentsRepository;
  bus: DocumentEventBus;
  collectionExists: (id: string) => boolean;
  logger: Logger;
}) {
  const { config, documents, logger } = deps;
  // Subscriptions are sent before the connection is up, so these queue commands while connecting.
  const pub = createRedis(config, 'queue');
  const sub = createRedis(config, 'queue');
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(deps.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    adapter: createAdapter(pub, sub, { key: `${config.redis.prefix}:socket.io` }),
  });

  io.on('connection', (socket) => {
    socket.on('subscribe', (payload, ack) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return ack?.({ error: 'subscribe takes { collectionIds: string[] }' });
      const joined = parsed.data.collectionIds.filter(deps.collectionExists);
      void socket.join(joined.map(collectionRoom));
      ack?.({ joined });
    });
    socket.on('unsubscribe', (payload) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (parsed.success) for (const id of parsed.data.collectionIds) void socket.leave(collectionRoom(id));
    });
  });

  deps.bus.on('queued', (doc) => io.to(collectionRoom(doc.collectionId)).emit('document.queued', doc));
  deps.bus.on('deleted', (p) => io.to(collectionRoom(p.collectionId)).emit('document.deleted', p));

  const events = new QueueEvents(INGEST_QUEUE, { connection: deps.connection, prefix: queuePrefix(config) });
  events.on('error', (err) => logger.warn({ err }, 'queue events error'));
  const local = io.local;
  events.on('progress', ({ jobId, data }) => {
    const row = documents.get(jobId);
    const progress = progressSchema.safeParse(data);
    if (!row || !progress.success) return;
    local.to(collectionRoom(row.collection_id)).emit('document.progress', { documentId: row.id, collectionId: row.collection_id, ...progress.data });
  });
  events.on('completed', ({ jobId }) => {
    const row = documents.get(jobId);
    if (row?.status === 'ready') local.to(collectionRoom(row.collection_id)).emit('document.ready', presentDocument(row));
  });
  // A failed attempt either failed the document for good or put it back to wait for a retry.
  const relayState = ({ jobId }: { jobId: string }) => {
    const row = documents.get(jobId);
    if (!row) return;
    const room = local.to(collectionRoom(row.collection_id));
    if (row.status === 'failed') room.emit('document.failed', presentDocument(row));
    else if (row.status === 'queued') room.emit('document.queued', presentDocument(row));
  };
  events.on('failed', relayState);
  events.on('delayed', relayState);
  await events.waitUntilReady();

  return {
    io,
    async close() {
      await events.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // The adapter unsubscribes after io.close returns; QUIT runs after its pending commands.
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
