import { createHash } from 'node:crypto';
import type { LlmClient } from '../clients/ollama.ts';
import type { RedisConnection } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SettingsStore } from '../settings/settings.store.ts';

/** Thrown when the model returns a vector that must never be stored (zero, NaN, wrong size). */
export class InvalidEmbeddingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEmbeddingError';
  }
}

export interface Embedder {
  /** Embeds texts in batches with the current embedding model, reading and filling the cache; vectors are validated. */
  embed(texts: string[], model?: string): Promise<number[][]>;
}

/**
 * Embeddings through Ollama with a Redis cache keyed by model and text hash. A cache failure
 * never fails an embedding: it is logged and the model is asked instead.
 */
export function createEmbedder(deps: { config: Config; llm: LlmClient; redis: RedisConnection; settings: Pick<SettingsStore, 'get'>; logger: Logger }): Embedder {
  const { config, llm, redis, logger } = deps;
  const keyOf = (model: string, text: string) => `${config.redis.prefix}:emb:${model}:${createHash('sha256').update(text).digest('hex')}`;

  async function cached(keys: string[]): Promise<(number[] | null)[]> {
    try {
      const raw = await redis.mgetBuffer(...keys);
      return raw.map((b) => (b ? decodeVector(b) : null));
    } catch (err) {
      logger.warn({ err }, 'embedding cache unavailable; asking the model');
      return keys.map(() => null);
    }
  }

  async function remember(keys: string[], vectors: number[][]): Promise<void> {
    try {
      const tx = redis.multi();
      keys.forEach((k, i) => tx.set(k, encodeVector(vectors[i]!), 'EX', config.cache.embedTtlS));
      await tx.exec();
    } catch (err) {
      logger.warn({ err }, 'could not fill the embedding cache');
    }
  }

  return {
    async embed(texts, model = deps.settings.get().embedModel) {
      const out: number[][] = new Array(texts.length);
      const batch = config.ollama.embedBatchSize;
      for (let start = 0; start < texts.length; start += batch) {
        const slice = texts.slice(start, start + batch);
        const keys = slice.map((t) => keyOf(model, t));
        const hits = await cached(keys);
        const missing = slice.map((_, i) => i).filter((i) => hits[i] === null);
        if (missing.length > 0) {
          const fresh = await llm.embed(missing.map((i) => slice[i]!), { model });
          fresh.forEach((v) => validateVector(v, model));
          missing.forEach((i, j) => (hits[i] = fresh[j]!));
          await remember(missing.map((i) => keys[i]!), fresh);
        }
        hits.forEach((v, i) => (out[start + i] = v!));
      }
      const dim = out[0]?.length;
      if (out.some((v) => v.length !== dim)) throw new InvalidEmbeddingError(`the embedding model "${model}" returned vectors of different sizes`);
      return out;
    },
  };
}

function encodeVector(v: number[]): Buffer {
  const b = Buffer.allocUnsafe(v.length * 4);
  v.forEach((x, i) => b.writeFloatLE(x, i * 4));
  return b;
}

/** Float32 little-endian, read value by value: Redis hands back buffers at any byte offset. */
function decodeVector(b: Buffer): number[] {
  const out = new Array<number>(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

/** A vector is stored only if it has a size, finite numbers and a non-zero length. */
export function validateVector(vector: number[], model = 'the embedding model'): void {
  const who = model === 'the embedding model' ? model : `the embedding model "${model}"`;
  if (!Array.isArray(vector) || vector.length === 0) throw new InvalidEmbeddingError(`${who} returned an empty embedding`);
  let norm = 0;
  for (const x of vector) {
    if (!Number.isFinite(x)) throw new InvalidEmbeddingError(`${who} returned an embedding with NaN or infinite values`);
    norm += x * x;
  }
  if (norm === 0) throw new InvalidEmbeddingError(`${who} returned an all-zero embedding`);
}
