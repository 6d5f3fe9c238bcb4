import type http from 'node:http';
import proxyaddr from 'proxy-addr';
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

  // The client's address, worked out exactly as Express works out req.ip: X-Forwarded-For counts
  // only as far back as the proxies TRUST_PROXY names.
  const trust = compileTrust(config.http.trustProxy);
  const clientAddress = (req: http.IncomingMessage): string => (req.socket.remoteAddress ? proxyaddr(req, trust) : 'unknown');

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

/** Express's reading of a `trust proxy` setting, as a function proxy-addr takes. */
function compileTrust(setting: boolean | number | string): (address: string, hop: number) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting.split(',').map((s) => s.trim()).filter(Boolean));
}
