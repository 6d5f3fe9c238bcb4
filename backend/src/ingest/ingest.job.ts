import type { Job } from 'bullmq';
import type { VectorStore } from '../clients/chroma.ts';
import type { CollectionsRepository } from '../collections/collections.repository.ts';
import type { Config } from '../config.ts';
import { ingestProgressSchema, type IngestProgress } from '../contracts/documents.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { FileStore } from '../documents/file-store.ts';
import type { Logger } from '../logger.ts';
import { secondsSince, type Metrics } from '../metrics/metrics.ts';
import type { SettingsStore } from '../settings/settings.store.ts';
import { chunkId, type ChunksRepository } from '../retrieval/chunks.repository.ts';
import { chunkDocumentYielding } from './chunk/chunk-text.ts';
import type { Embedder } from '../embedding/embedder.ts';
import { PermanentIngestError } from './ingest.errors.ts';
import { JOBS, type JobData } from './jobs.ts';
import { parseFile } from './parse/parse-file.ts';

export interface IngestDeps {
  config: Config;
  documents: DocumentsRepository;
  collections: Pick<CollectionsRepository, 'bumpCorpusVersion'>;
  chunks: ChunksRepository;
  vectors: VectorStore;
  embedder: Embedder;
  files: FileStore;
  settings: Pick<SettingsStore, 'get'>;
  metrics: Metrics;
  logger: Logger;
}

// Share of the overall percent each stage ends at.
const STAGE_END = { parsing: 10, chunking: 15, embedding: 95, indexing: 100 } as const;
const STAGE_START = { parsing: 0, chunking: 10, embedding: 15, indexing: 95 } as const;

/**
 * Parse -> chunk -> embed -> upsert to Chroma and FTS -> ready. Idempotent: chunk ids are
 * `${documentId}:${index}` and every write is an upsert, so a re-run never duplicates.
 */
export function createIngestProcessor(deps: IngestDeps) {
  const { config, documents, chunks, vectors, embedder, files } = deps;
  const groupSize = config.ollama.embedBatchSize * 4;
  const { ingest: measured } = deps.metrics;
  // Times the stage that starts now; call the returned function when it ends.
  const stageTimer = (stage: IngestProgress['stage']) => {
    const started = performance.now();
    return () => measured.stage.observe({ stage }, secondsSince(started));
  };

  return async function ingest(job: Job<JobData<'ingest'>>): Promise<void> {
    const { documentId } = JOBS.ingest.parse(job.data);
    const log = deps.logger.child({ documentId });
    const doc = documents.get(documentId);
    if (!doc) {
      log.info('document was deleted before ingestion; nothing to do');
      return;
    }
    documents.countAttempt(documentId);
    const report = async (stage: IngestProgress['stage'], done: number, total: number) => {
      const span = STAGE_END[stage] - STAGE_START[stage];
      // A total of 0 means not known yet: the stage has just started.
      const percent = Math.min(100, Math.round(STAGE_START[stage] + (total === 0 ? 0 : (span * done) / total)));
      documents.setProgress(documentId, stage, percent);
      const unit = stage === 'parsing' ? 'page' : 'chunk';
      await job.updateProgress(ingestProgressSchema.parse({ documentId, collectionId: doc.collection_id, stage, unit, done, total, percent } satisfies IngestProgress));
    };

    documents.setStatus(documentId, 'processing', { stage: 'parsing', progress: 0, error: null });
    // The page count is known only once the file is parsed: until then the total is 0 (unknown).
    await report('parsing', 0, 0);
    if (!files.exists(doc.sha256)) throw new PermanentIngestError('file_missing', 'the uploaded file is missing from storage; upload it again');
    const started = Date.now();
    const parsingDone = stageTimer('parsing');
    const parsed = await parseFile(files.pathFor(doc.sha256), doc.kind, {
      timeoutMs: config.ingest.parseTimeoutMs,
      maxMemoryMb: config.ingest.parseMaxMemoryMb,
    });
    parsingDone();
    if (parsed.pageCount) await report('parsing', parsed.pageCount, parsed.pageCount);

    const settings = deps.settings.get();
    const chunkingDone = stageTimer('chunking');
    const pieces = await chunkDocumentYielding(parsed, { size: settings.chunkSize, overlap: settings.chunkOverlap });
    chunkingDone();
    if (pieces.length === 0) throw new PermanentIngestError('no_text', 'no text could be extracted from this document');
    await report('chunking', pieces.length, pieces.length);

    const model = settings.embedModel;
    const embeddingDone = stageTimer('embedding');
    for (let start = 0; start < pieces.length; start += groupSize) {
      const group = pieces.slice(start, start + groupSize);
      const embedded = await embedder.embed(group.map((c) => c.text), model);
      if (!documents.get(documentId)) return discard(documentId, log);
      await vectors.upsertChunks(
        model,
        group.map((c, i) => ({
          id: chunkId(documentId, c.index),
          vector: embedded[i]!,
          documentId,
          collectionId: doc.collection_id,
          chunkIndex: c.index,
          page: c.page,
        })),
      );
      await report('embedding', start + group.length, pieces.length);
    }
    embeddingDone();
    const indexingDone = stageTimer('indexing');
    await vectors.deleteDocumentFrom(documentId, pieces.length);

    if (!documents.get(documentId)) return discard(documentId, log);
    await chunks.replaceForDocument(documentId, doc.collection_id, pieces);
    indexingDone();
    await report('indexing', pieces.length, pieces.length);
    documents.setStatus(documentId, 'ready', {
      stage: null,
      progress: 100,
      pageCount: parsed.pageCount,
      chunkCount: pieces.length,
      embeddingModel: model,
      error: null,
    });
    deps.collections.bumpCorpusVersion(doc.collection_id);
    measured.pages.inc(parsed.pageCount ?? 0);
    measured.chunks.inc(pieces.length);
    log.info({ chunks: pieces.length, pages: parsed.pageCount, ms: Date.now() - started }, 'document ready');
  };

  // The document was deleted while it was being ingested: take back what this run wrote.
  async function discard(documentId: string, log: Logger): Promise<void> {
    await vectors.deleteDocument(documentId);
    chunks.deleteForDocument(documentId);
    log.info('document was deleted during ingestion; its vectors were removed');
  }
}
