import type { DocumentDto, IngestStage } from './documents.ts';

/** socket.io events the server emits to the dashboard, by name. */
export interface DocumentProgress {
  documentId: string;
  collectionId: string;
  stage: IngestStage;
  /** What done and total count: pages parsed, then chunks made, embedded and indexed. */
  unit: 'page' | 'chunk';
  /** Items done and total within the stage; total is 0 while it is not known yet. */
  done: number;
  total: number;
  /** Overall percent of the whole ingestion. */
  percent: number;
}

export interface ServerToClientEvents {
  'document.queued': (doc: DocumentDto) => void;
  'document.progress': (progress: DocumentProgress) => void;
  'document.ready': (doc: DocumentDto) => void;
  'document.failed': (doc: DocumentDto) => void;
  'document.deleted': (payload: { documentId: string; collectionId: string }) => void;
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
