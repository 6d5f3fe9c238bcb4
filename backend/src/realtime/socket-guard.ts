import type http from 'node:http';
import type { Socket } from 'socket.io';
import type { Config } from '../config.ts';

/**
 * What a socket.io handshake must pass before authentication: an Origin on the allowlist (or the
 * api's own), and fewer open connections from its address than the cap.
 */
export function socketGuard(config: Pick<Config, 'http'>) {
  const allowed = new Set(config.http.allowedOrigins);
  const open = new Map<string, number>();
  const max = config.http.socketMaxConnectionsPerIp;

  // The client's address: the proxy's X-Forwarded-For only when the peer is a trusted proxy.
  function clientAddress(req: http.IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const trust = config.http.trustProxy;
    const peerIsLoopback = /^(::1|127\.|::ffff:127\.)/.test(peer);
    const trusted = trust === true || typeof trust === 'number' || (trust === 'loopback' && peerIsLoopback);
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return trusted && forwarded.length > 0 ? forwarded.at(-1)! : peer;
  }

  function originAllowed(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser: it still needs a token
    if (allowed.has(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  return {
    allowRequest(req: http.IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) {
      if (!originAllowed(req)) return callback('origin not allowed', false);
      if ((open.get(clientAddress(req)) ?? 0) >= max) return callback('too many connections', false);
      callback(null, true);
    },
    track(socket: Socket) {
      const address = clientAddress(socket.request);
      open.set(address, (open.get(address) ?? 0) + 1);
      socket.once('disconnect', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    },
  };
}
