import pino from 'pino';
import type { Config } from './config.ts';

export type Logger = pino.Logger;
export type LogScope = 'app' | 'http' | 'ingest' | 'retrieval' | 'llm' | 'socket' | 'chroma' | 'db' | 'backup';

/**
 * One structured logger for the process; scopes come from `logger.child({ scope })`. Command-line
 * tools log to standard error (fd 2) and keep standard output for their result.
 */
export function createLogger(config: Pick<Config, 'log'>, fd: 1 | 2 = 1): Logger {
  const options: pino.LoggerOptions = {
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
  };
  return fd === 1 ? pino(options) : pino(options, pino.destination({ fd, sync: true }));
}

export function scoped(logger: Logger, scope: LogScope, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ scope, ...bindings });
}
