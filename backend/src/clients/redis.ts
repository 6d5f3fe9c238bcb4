import { Redis } from 'ioredis';
import type { Config } from '../config.ts';

export type RedisConnection = Redis;

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` on its connections;
 * cache and rate-limit callers want fast failure instead, so the two are made differently.
 */
export function createRedis(config: Pick<Config, 'redis'>, purpose: 'queue' | 'cache'): RedisConnection {
  return new Redis(config.redis.url, {
    maxRetriesPerRequest: purpose === 'queue' ? null : 1,
    enableOfflineQueue: purpose === 'queue',
    connectTimeout: 5000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
}

/** Every Redis key the product writes starts with this. */
export function redisKey(config: Pick<Config, 'redis'>, ...parts: string[]): string {
  return [config.redis.prefix, ...parts].join(':');
}
