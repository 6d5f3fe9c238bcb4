import pino from 'pino';
import type { Config } from './config.ts';

export type Logger = pino.Logger;
export type LogScope = 'app' | 'http' | 'ingest' | 'retrieval' | 'llm' | 'socket' | 'chroma' | 'db';

/** One structured logger for the process; scopes come from `logger.child({ scope })`. */
export function createLogger(config: Pick<Config, 'log'>): Logger {
  return pino({
    level: config.log.level,
    base: { pid: process.pid },
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
  });
}

export function scoped(logger: Logger, scope: LogScope, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ scope, ...bindings });
}
