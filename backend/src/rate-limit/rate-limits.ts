import type { RequestHandler } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { hashToken } from '../auth/auth.tokens.ts';
import { principalOf, type Principal } from '../auth/principal.ts';
import type { RedisConnection } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { ServiceUnavailableError, TooManyRequestsError } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import { createGrowingLockout } from './growing-lockout.ts';

export interface RateLimitsDeps {
  redis: RedisConnection;
  /** Start of every key, e.g. `${config.redis.prefix}:rl`. */
  keyPrefix: string;
  limits: Config['rateLimit'];
  logger: Logger;
  /** A Redis call slower than this counts as Redis being down. */
  timeoutMs?: number;
}

/** A sign-in lockout that a failure started: of an address, of an account from one address, or of an account. */
export interface SignInLockout {
  scope: 'address' | 'account_from_address' | 'account';
  seconds: number;
}

const retryAfterS = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The product's rate limits, counted in Redis so every api process shares them.
 * When Redis is down: sign-in fails closed (503, nobody can guess passwords unmetered);
 * chat and uploads fail open (allowed, with a warning in the log) so an outage of the
 * counters does not stop the product.
 */
export function createRateLimits(deps: RateLimitsDeps) {
  const { redis, keyPrefix, limits, logger } = deps;
  const timeoutMs = deps.timeoutMs ?? 2000;
  const signIn = limits.signIn;
  const lockout = (name: string, maxFailures: number) =>
    createGrowingLockout({ redis, keyPrefix: `${keyPrefix}:signin:${name}`, maxFailures, windowS: signIn.windowS, lockoutS: signIn.lockoutS, lockoutMaxS: signIn.lockoutMaxS, memoryS: signIn.lockoutMemoryS });
  // A stranger from one address can lock only that address, and the account for that address;
  // the account locks for everyone only past a much higher count from many addresses.
  const byAccountAddress = lockout('account-address', signIn.maxFailures);
  const byAccount = lockout('account', signIn.accountMaxFailures);
  const byIp = lockout('ip', signIn.ipMaxFailures);
  const counter = (name: string, points: number, duration: number) =>
    points > 0 ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${name}`, points, duration, rejectIfRedisNotReady: true }) : null;
  const chatPerMinute = counter('chat:minute', limits.chat.perMinute, 60);
  const chatPerDay = counter('chat:day', limits.chat.perDay, 86_400);
  const uploadFiles = counter('upload:files', limits.upload.filesPerHour, 3600);
  const uploadBytes = counter('upload:bytes', limits.upload.bytesPerDay, 86_400);

  // The account key is a hash: no email addresses in Redis, and unknown emails are counted alike.
  const accountKey = (email: string) => hashToken(email.trim().toLowerCase()).slice(0, 32);
  const ipKey = (ip: string | null) => ip ?? 'unknown';
  const accountAddressKey = (email: string, ip: string | null) => `${accountKey(email)}:${ipKey(ip)}`;

  async function withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sign-in counters are required: without Redis, sign-in answers 503. */
  async function failClosed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work());
    } catch (err) {
      if (err instanceof TooManyRequestsError) throw err;
      logger.error({ err }, 'sign-in limiter unavailable: refusing sign-in (fail closed)');
      throw new ServiceUnavailableError('redis', 'sign-in is unavailable right now; try again shortly');
    }
  }

  /**
   * Consumes points; a 429 when over (with the points given back if `refundRefused`); on a Redis
   * failure, logs and lets the request through.
   */
  async function consumeOrOpen(limiter: RateLimiterRedis | null, key: string, points: number, what: string, refundRefused = false): Promise<'ok' | 'open'> {
    if (!limiter || points <= 0) return 'ok';
    try {
      await withTimeout(limiter.consume(key, points));
      return 'ok';
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        if (refundRefused) await refund(limiter, key, points);
        throw new TooManyRequestsError(`too many ${what}; try again in ${retryAfterS(err.msBeforeNext)} s`, retryAfterS(err.msBeforeNext));
      }
      logger.warn({ err, limiter: what }, 'rate limiter unavailable: allowing the request (fail open)');
      return 'open';
    }
  }

  async function refund(limiter: RateLimiterRedis | null, key: string, points: number): Promise<void> {
    if (!limiter || points <= 0) return;
    await withTimeout(limiter.reward(key, points)).catch((err: unknown) => logger.warn({ err }, 'could not refund a rate limit'));
  }

  return {
    /** Before checking a password: 429 with Retry-After while the address, the account from it, or the account is locked. */
    async checkSignIn(ip: string | null, email: string): Promise<void> {
      const ms = await failClosed(async () =>
        Math.max(await byIp.lockedForMs(ipKey(ip)), await byAccountAddress.lockedForMs(accountAddressKey(email, ip)), await byAccount.lockedForMs(accountKey(email))),
      );
      if (ms > 0) throw new TooManyRequestsError(`too many failed sign-ins; try again in ${retryAfterS(ms)} s`, retryAfterS(ms));
    },

    /** After a wrong password: counts it; returns the lockouts this failure started (none, usually). */
    async recordSignInFailure(ip: string | null, email: string): Promise<SignInLockout[]> {
      const [address, accountAddress, account] = await failClosed(() =>
        Promise.all([byIp.fail(ipKey(ip)), byAccountAddress.fail(accountAddressKey(email, ip)), byAccount.fail(accountKey(email))]),
      );
      const started: SignInLockout[] = [];
      if (address > 0) started.push({ scope: 'address', seconds: address / 1000 });
      if (accountAddress > 0) started.push({ scope: 'account_from_address', seconds: accountAddress / 1000 });
      if (account > 0) started.push({ scope: 'account', seconds: account / 1000 });
      return started;
    },

    /** After a right password: the account's failures and lockout history are forgotten, for everyone and from this address (the address's are not). */
    async recordSignInSuccess(ip: string | null, email: string): Promise<void> {
      await withTimeout(Promise.all([byAccount.reset(accountKey(email)), byAccountAddress.reset(accountAddressKey(email, ip))])).catch((err: unknown) =>
        logger.warn({ err }, 'could not reset the sign-in counter'),
      );
    },

    /** An admin's unlock: forgets the account's failures and lockouts, for everyone and from every address. Says whether it was locked. */
    async unlockAccount(email: string): Promise<{ wasLocked: boolean }> {
      return failClosed(async () => {
        const account = accountKey(email);
        const fromAddresses = await byAccountAddress.keysStartingWith(`${account}:`);
        const locked = await Promise.all([byAccount.lockedForMs(account), ...fromAddresses.map((k) => byAccountAddress.lockedForMs(k))]);
        await Promise.all([byAccount.reset(account), ...fromAddresses.map((k) => byAccountAddress.reset(k))]);
        return { wasLocked: locked.some((ms) => ms > 0) };
      });
    },

    /** One question by this user or API key: 429 past the per-minute or per-day limit. */
    async consumeChat(principal: Principal): Promise<void> {
      const key = principal.kind === 'apiKey' ? `key:${principal.keyId}` : `user:${principal.userId}`;
      await consumeOrOpen(chatPerMinute, key, 1, 'questions');
      await consumeOrOpen(chatPerDay, key, 1, 'questions today');
    },

    /** An upload of `files` files and `bytes` bytes by this user (API keys count for their owner). A refused upload costs nothing. */
    async consumeUpload(principal: Principal, files: number, bytes: number): Promise<void> {
      const key = `user:${principal.userId}`;
      const filesTaken = await consumeOrOpen(uploadFiles, key, files, 'uploaded files this hour', true);
      try {
        await consumeOrOpen(uploadBytes, key, Math.ceil(bytes), 'uploaded bytes today', true);
      } catch (err) {
        if (filesTaken === 'ok') await refund(uploadFiles, key, files);
        throw err;
      }
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** Express middleware: one question for the authenticated caller (run after `authenticate`). */
export function limitChat(limits: RateLimits): RequestHandler {
  return async (req, _res, next) => {
    await limits.consumeChat(principalOf(req));
    next();
  };
}
