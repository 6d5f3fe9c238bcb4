import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SocketAuth } from '@contracts/events.ts';
import { refreshSession, session } from './session.ts';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AppSocket | null = null;

/**
 * The one socket.io connection of the app, opened on first use. The handshake sends the current
 * access token (read at every reconnect); a refused handshake refreshes the session once and retries.
 */
export function getSocket(): AppSocket {
  if (socket) return socket;
  const created: AppSocket = io({
    path: '/socket.io',
    transports: ['websocket', 'polling'],
    auth: (cb) => {
      const token = session.token();
      cb(token ? ({ token } satisfies SocketAuth) : {});
    },
    reconnectionDelayMax: 10_000,
  });
  let retriedAuth = false;
  created.on('connect', () => {
    retriedAuth = false;
  });
  created.on('connect_error', () => {
    // `active` false means the server refused the handshake (not a network hiccup): refresh the
    // token once and reconnect by hand; a second refusal waits for the next sign-in.
    if (created.active || retriedAuth || session.get().status !== 'signedIn') return;
    retriedAuth = true;
    void refreshSession().then((token) => {
      if (token) created.connect();
    });
  });
  socket = created;
  return created;
}

/** Drops the connection (on sign-out), so the next user starts with their own handshake. */
export function closeSocket(): void {
  socket?.disconnect();
  socket = null;
}
