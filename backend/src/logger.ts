import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type { Config } from './config.ts';

export type Logger = pino.Logger;
export type LogScope = 'app' | 'http' | 'documents' | 'ingest' | 'llm' | 'socket' | 'chroma' | 'backup';

/** What every line logged while handling one request or one job carries. */
export interface LogContext {
  requestId?: string;
  jobId?: string;
}

const logContext = new AsyncLocalStorage<LogContext>();

/** Runs `fn` (and everything it starts) so that each line it logs carries `context`. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return logContext.run(context, fn);
}

/**
 * One structured logger for the process; scopes come from `logger.child({ scope })`, and the
 * id of the request or job being handled from the async context (`withLogContext`).
 */
export function createLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  return pino({
    level: config.log.level,
    base: { pid: process.pid },
    // A copy: pino merges the line's own fields into what the mixin returns.
    mixin: () => ({ ...logContext.getStore() }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.headers.authorization',
        '*.headers.cookie',
        'password',
        'token',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.apiKey',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  }, destination);
}

export function scoped(logger: Logger, scope: LogScope, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ scope, ...bindings });
}
