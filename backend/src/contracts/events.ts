import { z } from 'zod';
import type { ReindexProgress } from './admin.ts';
import type { DocumentDto, IngestProgress } from './documents.ts';

/** socket.io events the server emits to the dashboard, by name. */
export interface ServerToClientEvents {
  'document.queued': (doc: DocumentDto) => void;
  'document.progress': (progress: IngestProgress) => void;
  'document.ready': (doc: DocumentDto) => void;
  'document.failed': (doc: DocumentDto) => void;
  'document.deleted': (payload: { documentId: string; collectionId: string }) => void;
  /** To the sockets of the admin who asked for a re-index. */
  'reindex.progress': (progress: Pick<ReindexProgress, 'done' | 'total'>) => void;
}

/** The payload of `subscribe` and `unsubscribe`: the collections whose document events to receive (or stop receiving). */
export const subscribeRequestSchema = z.strictObject({ collectionIds: z.array(z.string().min(1).max(100)).min(1).max(50) });
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export interface ClientToServerEvents {
  /** Join the rooms of these collections; the ack lists them, or says which one was not found (then none is joined). */
  subscribe: (payload: SubscribeRequest, ack?: (res: { joined: string[] } | { error: { code: string; message: string } }) => void) => void;
  unsubscribe: (payload: SubscribeRequest) => void;
}

/** What the socket.io handshake must carry: `io(url, { auth: { token } })` with an access token or API key. */
export interface SocketAuth {
  token: string;
}
