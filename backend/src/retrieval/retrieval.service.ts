import type { VectorStore } from '../clients/chroma.ts';
import type { Config } from '../config.ts';
import type { Embedder } from '../embedding/embedder.ts';
import { secondsSince, type Metrics } from '../metrics/metrics.ts';
import type { ChunkRow, ChunksRepository } from './chunks.repository.ts';
import { fuseTopK, normalise, type FusionMethod, type RankedList } from './fusion.ts';
import type { KeywordSearcher } from './keyword-pool.ts';

export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  collectionId: string;
  filename: string;
  page: number | null;
  heading: string | null;
  text: string;
  score: number;
}

export interface RetrievalTimings {
  embedMs: number;
  searchMs: number;
}

/** How the two retrievers are used and fused; the defaults come from config. */
export interface RetrievalOptions {
  /** Both retrievers fused, or one alone (for the evaluation). */
  legs: 'hybrid' | 'vector' | 'keyword';
  fusion: FusionMethod;
  /** The k of reciprocal rank fusion. */
  rrfK: number;
  /** Weight of the vector list; the keyword list gets 1 minus it. */
  vectorWeight: number;
  /** Vector hits farther than this cosine distance are dropped. */
  maxDistance: number;
  /** Query words in more than this share of chunks are left out of keyword search. */
  keywordMaxDocShare: number;
}

export function retrievalOptions(config: Config): RetrievalOptions {
  const r = config.retrieval;
  return { legs: 'hybrid', fusion: r.fusion, rrfK: r.rrfK, vectorWeight: r.vectorWeight, maxDistance: r.maxDistance, keywordMaxDocShare: r.keywordMaxDocShare };
}

export interface RetrievalDeps {
  config: Config;
  embedder: Embedder;
  vectors: VectorStore;
  chunks: ChunksRepository;
  keywords: Pick<KeywordSearcher, 'search'>;
  metrics: Metrics;
  /** Overrides of the configured options (the evaluation compares settings this way). */
  options?: Partial<RetrievalOptions>;
}

/** Hybrid retrieval: Chroma nearest neighbours and FTS5 BM25, fused, limited to the given collections. */
export function createRetrievalService(deps: RetrievalDeps) {
  const { embedder, vectors, chunks, keywords } = deps;
  const options: RetrievalOptions = { ...retrievalOptions(deps.config), ...deps.options };
  const { legs, maxDistance } = options;
  const legTime = deps.metrics.chat.retrieval;
  const timedLeg = async <T>(leg: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      legTime.observe({ leg }, secondsSince(started));
    }
  };

  /**
   * Search with an already-embedded question (what the latency benchmark measures). `model` is the
   * embedding model the vector came from: it names the Chroma collection searched.
   */
  async function search(
    question: string,
    vector: number[],
    collectionIds: string[],
    k: number,
    model: string,
    documentIds?: string[],
  ): Promise<RetrievedChunk[]> {
    const candidates = Math.max(k * 4, 20);
    const [vectorHits, keywordHits] = await Promise.all([
      legs === 'keyword' ? [] : timedLeg('vector', () => vectors.queryChunks(model, collectionIds, vector, candidates, documentIds)),
      legs === 'vector' ? [] : timedLeg('keyword', () => keywords.search({ question, collectionIds, documentIds, limit: candidates, maxDocShare: options.keywordMaxDocShare })),
    ]);
    const fusionStarted = performance.now();
    const close = vectorHits.filter((h) => h.distance <= maxDistance);
    const vectorWeight = legs === 'hybrid' ? options.vectorWeight : legs === 'vector' ? 1 : 0;
    const lists: RankedList[] = [
      { ids: close.map((h) => h.id), scores: normalise(close.map((h) => h.distance), true), weight: vectorWeight },
      { ids: keywordHits.map((h) => h.id), scores: normalise(keywordHits.map((h) => h.score), true), weight: 1 - vectorWeight },
    ];
    const { ids, scores } = fuseTopK(lists, k, options.fusion, options.rrfK);
    legTime.observe({ leg: 'fusion' }, secondsSince(fusionStarted));
    const rows = new Map(chunks.getReady(ids).map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [present(row, scores.get(id) ?? 0)] : [];
    });
  }

  return {
    search,
    options,
    /**
     * Embeds the question (cached) and searches; returns the chunks best first. The caller passes
     * the settings in force. With documentIds, only those documents' chunks.
     */
    async retrieve(question: string, collectionIds: string[], settings: { topK: number; embedModel: string }, documentIds?: string[]) {
      const t0 = performance.now();
      const [vector] = await timedLeg('embed', () => embedder.embed([question], settings.embedModel));
      const t1 = performance.now();
      const results = await search(question, vector!, collectionIds, settings.topK, settings.embedModel, documentIds);
      const timings: RetrievalTimings = { embedMs: Math.round(t1 - t0), searchMs: Math.round(performance.now() - t1) };
      return { results, timings };
    },
  };
}

function present(row: ChunkRow, score: number): RetrievedChunk {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    collectionId: row.collection_id,
    filename: row.filename,
    page: row.page,
    heading: row.heading,
    text: row.text,
    score,
  };
}

export type RetrievalService = ReturnType<typeof createRetrievalService>;
