import { createHash } from 'node:crypto';
import type { RedisConnection } from '../clients/redis.ts';
import type { CollectionsRepository } from '../collections/collections.repository.ts';
import type { CitationDto, SourceDto } from '../contracts/chat.ts';
import type { Logger } from '../logger.ts';

export interface CachedAnswer {
  answer: string;
  sources: SourceDto[];
  citations: CitationDto[];
}

/**
 * Answers to first questions, keyed by the question, the settings that shape the answer, and the
 * corpus version of each collection asked, and the documents the question was limited to: any upload or delete there makes old answers unreachable.
 * The cache is an optimisation: when Redis fails, it is skipped, never fatal.
 */
export function createAnswerCache(deps: {
  collections: Pick<CollectionsRepository, 'corpusVersions'>;
  redis: RedisConnection;
  prefix: string;
  ttlS: number;
  logger: Logger;
}) {
  function keyFor(question: string, collectionIds: string[], settings: Record<string, unknown>, documentIds: string[] = []): string {
    const versions = deps.collections.corpusVersions(collectionIds);
    const corpus = [...collectionIds].sort().map((id) => `${id}@${versions.get(id) ?? 0}`);
    const documents = [...documentIds].sort();
    const material = JSON.stringify({ q: question.trim().toLowerCase().replace(/\s+/g, ' '), corpus, documents, settings });
    return `${deps.prefix}:answer:${createHash('sha256').update(material).digest('hex')}`;
  }

  return {
    keyFor,
    async get(key: string): Promise<CachedAnswer | null> {
      if (deps.ttlS === 0) return null;
      try {
        const raw = await deps.redis.get(key);
        return raw ? (JSON.parse(raw) as CachedAnswer) : null;
      } catch (err) {
        deps.logger.warn({ err }, 'answer cache unavailable');
        return null;
      }
    },
    async set(key: string, value: CachedAnswer): Promise<void> {
      if (deps.ttlS === 0) return;
      try {
        await deps.redis.set(key, JSON.stringify(value), 'EX', deps.ttlS);
      } catch (err) {
        deps.logger.warn({ err }, 'could not store the answer in the cache');
      }
    },
  };
}

export type AnswerCache = ReturnType<typeof createAnswerCache>;
