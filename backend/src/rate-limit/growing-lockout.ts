import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisConnection } from '../clients/redis.ts';

export interface GrowingLockoutOptions {
  redis: RedisConnection;
  /** Redis key prefix of this lockout (e.g. `rag:rl:signin:account`). */
  keyPrefix: string;
  /** Failures within `windowS` that lock the key. */
  maxFailures: number;
  windowS: number;
  /** First lockout; each further one within `memoryS` doubles, up to `lockoutMaxS`. */
  lockoutS: number;
  lockoutMaxS: number;
  memoryS: number;
}

/**
 * Counts failures per key and locks the key after `maxFailures`; every lockout is twice the one
 * before (remembered for `memoryS`), so guessing gets slower the longer it goes on. Redis errors
 * are thrown to the caller, which decides whether to fail open or closed.
 */
export function createGrowingLockout(options: GrowingLockoutOptions) {
  const { maxFailures } = options;
  const failures = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.keyPrefix}:fail`,
    points: maxFailures,
    duration: options.windowS,
    rejectIfRedisNotReady: true,
  });
  const lockouts = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.keyPrefix}:lockouts`,
    points: Number.MAX_SAFE_INTEGER,
    duration: options.memoryS,
    rejectIfRedisNotReady: true,
  });

  return {
    /** Milliseconds the key stays locked; 0 when it is not locked. */
    async lockedForMs(key: string): Promise<number> {
      const res = await failures.get(key);
      return res && res.consumedPoints > maxFailures ? Math.max(res.msBeforeNext, 1) : 0;
    },

    /** Counts one failure; when it is the one that reaches the limit, locks the key and says for how long (ms). */
    async fail(key: string): Promise<number> {
      const res = await failures.penalty(key, 1);
      // Exactly one of several concurrent failures sees the count reach the limit.
      if (res.consumedPoints !== maxFailures) return 0;
      const count = (await lockouts.penalty(key, 1)).consumedPoints;
      const seconds = Math.min(options.lockoutS * 2 ** Math.min(count - 1, 30), options.lockoutMaxS);
      await failures.block(key, seconds);
      return seconds * 1000;
    },

    /** Forgets failures and past lockouts (a successful sign-in). */
    async reset(key: string): Promise<void> {
      await Promise.all([failures.delete(key), lockouts.delete(key)]);
    },

    /** The keys starting with `start` that have failures or past lockouts counted. */
    async keysStartingWith(start: string): Promise<string[]> {
      const found = new Set<string>();
      for (const kind of ['fail', 'lockouts']) {
        const prefix = `${options.keyPrefix}:${kind}:`;
        const pattern = `${(prefix + start).replace(/[*?[\]\\]/g, '\\$&')}*`;
        let cursor = '0';
        do {
          const [next, keys] = await options.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          for (const k of keys) found.add(k.slice(prefix.length));
          cursor = next;
        } while (cursor !== '0');
      }
      return [...found];
    },
  };
}

export type GrowingLockout = ReturnType<typeof createGrowingLockout>;
