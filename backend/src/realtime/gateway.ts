import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { QueueEvents, type ConnectionOptions } from 'bullmq';
import { Server } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import { createRedis } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { subscribeRequestSchema, type ClientToServerEvents, type ServerToClientEvents } from '../contracts/events.ts';
import type { DocumentEventBus } from '../documents/document-events.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { INGEST_QUEUE, queuePrefix, REINDEX_QUEUE } from '../ingest/jobs.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createJobEventRelay, listenToQueues } from './job-events.ts';
import { collectionRoom, userRoom } from './rooms.ts';
import { socketGuard } from './socket-guard.ts';


interface SocketData {
  principal: Principal;
}

/**
 * socket.io on the api. Every socket is authenticated at the handshake and joins only rooms of
 * collections its user may read. Job events come from BullMQ QueueEvents (every api process sees
 * them all, so each emits only to its own sockets); upload and delete events are raised here and
 * go through the Redis adapter to every api process.
 */
export async function startGateway(deps: {
  config: Config;
  server: http.Server;
  connection: ConnectionOptions;
  documents: DocumentsRepository;
  bus: DocumentEventBus;
  verifyBearer: (token: string) => Promise<Principal>;
  readableIds: (principal: Principal) => string[];
  metrics: Metrics;
  logger: Logger;
}) {
  const { config, documents, logger } = deps;
  // Subscriptions are sent before the connection is up, so these queue commands while connecting.
  const pub = createRedis(config, 'queue', logger);
  const sub = createRedis(config, 'queue', logger);
  const guard = socketGuard(config);
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(deps.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    allowRequest: guard.allowRequest,
    adapter: createAdapter(pub, sub, { key: `${config.redis.prefix}:socket.io` }),
  });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0) return next(new Error('unauthorized: send auth.token'));
    deps.verifyBearer(token).then(
      (principal) => {
        socket.data.principal = principal;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });

  io.on('connection', (socket) => {
    const { principal } = socket.data;
    guard.track(socket);
    deps.metrics.http.socketConnections.inc();
    socket.once('disconnect', () => deps.metrics.http.socketConnections.dec());
    void socket.join(userRoom(principal.userId));
    // A socket lives no longer than the credential it was opened with.
    if (principal.expiresAt) {
      const timer = setTimeout(() => socket.disconnect(true), Math.max(0, principal.expiresAt - Date.now()));
      socket.once('disconnect', () => clearTimeout(timer));
    }
    socket.on('subscribe', (payload, ack) => {
      const parsed = subscribeRequestSchema.safeParse(payload);
      if (!parsed.success) return ack?.({ error: { code: 'bad_request', message: 'subscribe takes { collectionIds: string[] }' } });
      const readable = deps.readableIds(principal);
      const missing = parsed.data.collectionIds.find((id) => !readable.includes(id));
      if (missing) return ack?.({ error: { code: 'not_found', message: `collection not found: ${missing}` } });
      void socket.join(parsed.data.collectionIds.map(collectionRoom));
      ack?.({ joined: parsed.data.collectionIds });
    });
    socket.on('unsubscribe', (payload) => {
      const parsed = subscribeRequestSchema.safeParse(payload);
      if (parsed.success) for (const id of parsed.data.collectionIds) void socket.leave(collectionRoom(id));
    });
  });

  deps.bus.on('queued', (doc) => io.to(collectionRoom(doc.collectionId)).emit('document.queued', doc));
  deps.bus.on('deleted', (p) => io.to(collectionRoom(p.collectionId)).emit('document.deleted', p));

  // Job events: every api process sees them all, so each emits only to its own sockets.
  const local = io.local;
  const relay = createJobEventRelay({ documents, logger, emit: (room, event, ...args) => local.to(room).emit(event, ...args) });
  const queues = {
    ingest: new QueueEvents(INGEST_QUEUE, { connection: deps.connection, prefix: queuePrefix(config) }),
    reindex: new QueueEvents(REINDEX_QUEUE, { connection: deps.connection, prefix: queuePrefix(config) }),
  };
  for (const events of Object.values(queues)) events.on('error', (err) => logger.warn({ err }, 'queue events error'));
  listenToQueues(queues, relay.relay);
  await Promise.all(Object.values(queues).map((events) => events.waitUntilReady()));

  return {
    io,
    async close() {
      relay.close();
      await Promise.all(Object.values(queues).map((events) => events.close()));
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // The adapter unsubscribes after io.close returns; QUIT runs after its pending commands.
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
