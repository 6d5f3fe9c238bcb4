import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

export type RedisConnection = Redis;

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` on its connections (commands wait
 * for Redis to come back); cache and rate-limit callers want fast failure instead. An outage is
 * logged once when it starts and once when it ends, never as an unhandled error event.
 */
export function createRedis(config: Pick<Config, 'redis'>, purpose: 'queue' | 'cache', logger?: Logger): RedisConnection {
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: purpose === 'queue' ? null : 1,
    enableOfflineQueue: purpose === 'queue',
    connectTimeout: 5000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger?.error({ err: { message: err.message, code: (err as { code?: string }).code }, redis: redactedUrl(config.redis.url), purpose }, 'Redis is unreachable; retrying');
  });
  redis.on('ready', () => {
    if (down) logger?.info({ redis: redactedUrl(config.redis.url), purpose }, 'Redis is reachable again');
    down = false;
  });
  return redis;
}

/** The Redis URL without its password, for logs and messages. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
