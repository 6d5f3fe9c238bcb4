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

export interface ClientToServerEvents {
  /** Join the rooms of these collections; the ack lists them, or says which one was not found (then none is joined). */
  subscribe: (payload: { collectionIds: string[] }, ack?: (res: { joined: string[] } | { error: { code: string; message: string } }) => void) => void;
  unsubscribe: (payload: { collectionIds: string[] }) => void;
}

/** What the socket.io handshake must carry: `io(url, { auth: { token } })` with an access token or API key. */
export interface SocketAuth {
  token: string;
}
