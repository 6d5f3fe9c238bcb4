import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createOllamaClient, type LlmClient } from '../clients/ollama.ts';
import { createRedis, type RedisConnection } from '../clients/redis.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { REDIS_URL } from '../../test/support/stack.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { createEmbedder, InvalidEmbeddingError } from './embedder.ts';

describe('the embedder', () => {
  let emulator: OllamaEmulator;
  let redis: RedisConnection;
  const config = loadConfig({ REDIS_URL, REDIS_PREFIX: `test-emb-${randomUUID().slice(0, 8)}`, EMBED_BATCH_SIZE: '4', LOG_LEVEL: 'silent' });
  const settings = { get: () => ({ embedModel: 'nomic-embed-text' }) } as never;
  const logger = createLogger(config);

  before(async () => {
    emulator = await startOllamaEmulator();
    redis = createRedis(config, 'cache');
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  });
  after(async () => {
    try {
      const keys = await redis.keys(`${config.redis.prefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
      await emulator.close();
    }
  });

  it('asks Ollama in batches and answers repeated texts from the Redis cache', async () => {
    const llm = createOllamaClient({ ollama: { ...config.ollama, host: emulator.url } });
    const embedder = createEmbedder({ config, llm, redis, settings, logger });
    const texts = Array.from({ length: 10 }, (_, i) => `text number ${i} about tidal energy`);
    const first = await embedder.embed(texts);
    assert.equal(emulator.stats.requests['/api/embed'], 3, '10 texts in batches of 4');
    assert.equal(first.length, 10);
    assert.deepEqual(first[3]!.map((x) => Math.round(x * 1e5)), emulator.embedText(texts[3]!).map((x) => Math.round(x * 1e5)));
    const again = await embedder.embed([...texts.slice(0, 5), 'one new text']);
    assert.equal(emulator.stats.requests['/api/embed'], 4, 'only the new text went to Ollama');
    assert.deepEqual(again[0]!.map((x) => Math.round(x * 1e5)), first[0]!.map((x) => Math.round(x * 1e5)));
  });

  it('never passes on a zero or NaN vector from the model', async () => {
    for (const bad of [[0, 0, 0], [0.5, Number.NaN, 0.1]]) {
      const llm: LlmClient = { host: 'fake', embed: async (t) => t.map(() => bad), chat: async function* () {}, status: async () => ({ version: '0', models: [] }), models: async () => [] };
      const embedder = createEmbedder({ config, llm, redis, settings, logger });
      await assert.rejects(embedder.embed([`fresh ${randomUUID()}`]), InvalidEmbeddingError);
    }
  });
});
