import type { NextFunction, Response } from 'express';
import type { ChatStreamEvent } from '../contracts/chat.ts';
import { toHttpError } from '../http/error-handler.ts';
import { TooManyRequestsError } from '../http/errors.ts';

/**
 * Runs `produce` with a writer of server-sent events. Headers go out with the first event, so an
 * error before it still reaches the error middleware as an ordinary JSON error; after it, the error
 * becomes a final `error` event and the stream ends (with `retryAfterSeconds` when it is a rate
 * limit, as Retry-After would have said).
 */
export async function streamEvents(
  res: Response,
  next: NextFunction,
  produce: (write: (e: ChatStreamEvent) => void) => Promise<void>,
): Promise<void> {
  const write = (e: ChatStreamEvent) => {
    if (!res.headersSent) {
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
    }
    if (!res.writableEnded) res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
  };
  try {
    await produce(write);
    res.end();
  } catch (err) {
    if (!res.headersSent) return next(err);
    const http = toHttpError(err);
    const retry = http instanceof TooManyRequestsError ? { retryAfterSeconds: http.retryAfterSeconds } : {};
    write({ event: 'error', data: { code: http.code, message: http.message, ...retry } });
    res.end();
  }
}
