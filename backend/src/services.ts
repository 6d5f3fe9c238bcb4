import { loadOrCreateSecret } from './auth/auth.tokens.ts';
import { createFileLinks } from './documents/file-links.ts';
import { createSecurity } from './auth/security.ts';
import { createAnswerCache } from './chat/answer-cache.ts';
import { createChatService } from './chat/chat.service.ts';
import { createConversationsRepository } from './chat/conversations.repository.ts';
import { createConversationsService } from './chat/conversations.service.ts';
import { createFeedbackRepository } from './chat/feedback.repository.ts';
import { createChromaStore, type VectorStore } from './clients/chroma.ts';
import type { LocalChroma } from './clients/chroma-local.ts';
import { openDatabase } from './clients/db.ts';
import { createOllamaClient, type LlmClient } from './clients/ollama.ts';
import { createRedis } from './clients/redis.ts';
import { createCollectionsRepository } from './collections/collections.repository.ts';
import { createCollectionsService } from './collections/collections.service.ts';
import type { Config } from './config.ts';
import { createDocumentEventBus } from './documents/document-events.ts';
import { createDocumentsRepository } from './documents/documents.repository.ts';
import { createDocumentsService } from './documents/documents.service.ts';
import { createFileStore } from './documents/file-store.ts';
import { createHealthService } from './health/health.service.ts';
import { createEmbedder } from './embedding/embedder.ts';
import { createDocumentFailer } from './ingest/fail-document.ts';
import { createIngestProcessor } from './ingest/ingest.job.ts';
import { createIngestQueue } from './ingest/jobs.ts';
import { createReindexQueue } from './ingest/reindex.job.ts';
import { scoped, type Logger } from './logger.ts';
import { createCorpusRepository } from './metrics/corpus.repository.ts';
import { createMetrics, ollamaObserver } from './metrics/metrics.ts';
import { registerStateMetrics } from './metrics/state-metrics.ts';
import { createChunksRepository } from './retrieval/chunks.repository.ts';
import { createKeywordSearcher } from './retrieval/keyword-pool.ts';
import { createRetrievalService } from './retrieval/retrieval.service.ts';

export interface ServiceOverrides {
  llm?: LlmClient;
  vectors?: VectorStore;
}

/**
 * Builds every client, repository and service once, from config. Nothing else constructs them,
 * so a test can swap one piece through `overrides` and nothing is a hidden singleton.
 */
export function createServices(config: Config, logger: Logger, overrides: ServiceOverrides = {}, context: { localChroma?: Pick<LocalChroma, 'problem'> } = {}) {
  if (!config.chroma.url) throw new Error('createServices needs config.chroma.url (start a local Chroma first)');
  const metrics = createMetrics();
  const db = openDatabase(config.paths.database);
  const redis = createRedis(config, 'cache', scoped(logger, 'app'));
  const queueConnection = createRedis(config, 'queue', scoped(logger, 'app'));
  const llm = overrides.llm ?? createOllamaClient(config, ollamaObserver(metrics));
  const vectors = overrides.vectors ?? createChromaStore(config.chroma.url, config.chroma.prefix);
  const files = createFileStore(config.paths);
  const documentsRepository = createDocumentsRepository(db);
  const chunks = createChunksRepository(db);
  const collectionsRepository = createCollectionsRepository(db);
  const conversationsRepository = createConversationsRepository(db);
  const feedback = createFeedbackRepository(db);
  const conversationsService = createConversationsService({ conversations: conversationsRepository, feedback });
  const queue = createIngestQueue(config, queueConnection, scoped(logger, 'ingest'));
  const reindexQueue = createReindexQueue(config, queueConnection, scoped(logger, 'ingest'));
  const bus = createDocumentEventBus();
  const jwtSecret = config.auth.jwtSecret ?? loadOrCreateSecret(config.paths.dataDir);
  const security = createSecurity({ config, db, redis, logger: scoped(logger, 'http'), jwtSecret });
  const fileLinks = createFileLinks(jwtSecret);
  const { settings, audit } = security;
  const collectionsService = createCollectionsService({ collections: collectionsRepository, users: security.users, audit });
  const embedder = createEmbedder({ config, llm, redis, settings, metrics, logger: scoped(logger, 'llm') });
  const keywords = createKeywordSearcher(db, config.paths.database, config.retrieval.keywordThreads);
  const retrieval = createRetrievalService({ config, embedder, vectors, chunks, keywords, metrics });

  const documentsService = createDocumentsService({
    db,
    access: collectionsService,
    limits: security.limits,
    audit,
    documents: documentsRepository,
    collections: collectionsRepository,
    chunks,
    vectors,
    files,
    queue,
    reindex: reindexQueue,
    events: bus,
    logger: scoped(logger, 'documents'),
  });
  const chat = createChatService({
    config,
    llm,
    retrieval,
    conversations: conversationsRepository,
    cache: createAnswerCache({ collections: collectionsRepository, redis, prefix: config.redis.prefix, ttlS: config.chat.answerCacheTtlS, logger: scoped(logger, 'llm') }),
    access: collectionsService,
    documents: documentsRepository,
    settings,
    metrics,
    logger: scoped(logger, 'llm'),
  });
  const ingest = createIngestProcessor({ config, documents: documentsRepository, collections: collectionsRepository, chunks, vectors, embedder, files, settings, metrics, logger: scoped(logger, 'ingest') });
  const failDocument = createDocumentFailer({ documents: documentsRepository, chunks, vectors, logger: scoped(logger, 'ingest') });
  const health = createHealthService({ db, redis, redisUrl: config.redis.url, vectors, llm, settings, localChroma: context.localChroma });
  registerStateMetrics(metrics.registry, {
    health,
    queue,
    corpus: createCorpusRepository(db),
    dataDir: config.paths.dataDir,
    backupStatusFile: config.paths.backupStatus,
    tlsCertFile: config.metrics.tlsCertFile,
    logger: scoped(logger, 'app'),
  });

  return {
    config,
    logger,
    metrics,
    db,
    redis,
    queueConnection,
    llm,
    vectors,
    files,
    documentsRepository,
    chunks,
    collectionsService,
    collectionsRepository,
    conversationsRepository,
    conversationsService,
    queue,
    reindexQueue,
    bus,
    security,
    embedder,
    keywords,
    retrieval,
    documentsService,
    fileLinks,
    feedback,
    chat,
    ingest,
    failDocument,
    health,
    /** Closes what this container opened, in reverse order. */
    async close() {
      await queue.close();
      await reindexQueue.close();
      await keywords.close();
      queueConnection.disconnect();
      redis.disconnect();
      db.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
