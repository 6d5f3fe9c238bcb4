import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withLogContext, type Logger } from '../logger.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (the caller's if it is safe, else a new one), echoes it, logs the
 * outcome, and runs the rest of the request in a log context, so every line it logs carries the id.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.locals.requestId = id;
    const started = performance.now();
    // Read now: by the time the answer is sent, a nested router has cut its mount path off req.path.
    const path = req.path;
    res.on('finish', () => {
      logger.info({ requestId: id, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
    });
    withLogContext({ requestId: id }, next);
  };
}
