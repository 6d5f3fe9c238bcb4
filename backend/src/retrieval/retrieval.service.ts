import type { VectorStore } from '../clients/chroma.ts';
import type { Config } from '../config.ts';
import type { Embedder } from '../ingest/embedder.ts';
import { secondsSince, type Metrics } from '../metrics/metrics.ts';
import type { SettingsStore } from '../settings/settings.store.ts';
import type { ChunkRow, ChunksRepository } from './chunks.repository.ts';
import { normalise, reciprocalRankFusion, topIds, weightedFusion, type RankedList } from './fusion.ts';
import { ftsQuery } from './keywords.ts';

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

/** Hybrid retrieval: Chroma nearest neighbours and FTS5 BM25, fused, limited to the given collections. */
export function createRetrievalService(deps: { config: Config; embedder: Embedder; vectors: VectorStore; chunks: ChunksRepository; settings: Pick<SettingsStore, 'get'>; metrics: Metrics }) {
  const { config, embedder, vectors, chunks } = deps;
  const legTime = deps.metrics.chat.retrieval;
  const timedLeg = async <T>(leg: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      legTime.observe({ leg }, secondsSince(started));
    }
  };
  const { fusion, vectorWeight, maxDistance } = config.retrieval;

  /** Search with an already-embedded question (what the latency benchmark measures). */
  async function search(question: string, vector: number[], collectionIds: string[], k: number, model = deps.settings.get().embedModel): Promise<RetrievedChunk[]> {
    const candidates = Math.max(k * 4, 20);
    const [vectorHits, keywordHits] = await Promise.all([
      timedLeg('vector', () => vectors.queryChunks(model, collectionIds, vector, candidates)),
      timedLeg('keyword', () => chunks.searchKeywords(ftsQuery(question), collectionIds, candidates)),
    ]);
    const fusionStarted = performance.now();
    const close = vectorHits.filter((h) => h.distance <= maxDistance);
    const lists: RankedList[] = [
      { ids: close.map((h) => h.id), scores: close.map((h) => 1 - h.distance / 2), weight: vectorWeight },
      { ids: keywordHits.map((h) => h.id), scores: normalise(keywordHits.map((h) => h.score), true), weight: 1 - vectorWeight },
    ];
    const fused = fusion === 'rrf' ? reciprocalRankFusion(lists) : weightedFusion(lists);
    const ids = topIds(fused, k);
    legTime.observe({ leg: 'fusion' }, secondsSince(fusionStarted));
    const rows = new Map(chunks.getReady(ids).map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [present(row, fused.get(id) ?? 0)] : [];
    });
  }

  return {
    search,
    /** Embeds the question (cached) and searches; returns the chunks best first. */
    async retrieve(question: string, collectionIds: string[], settings: { topK: number; embedModel: string } = deps.settings.get()) {
      const t0 = performance.now();
      const [vector] = await timedLeg('embed', () => embedder.embed([question], settings.embedModel));
      const t1 = performance.now();
      const results = await search(question, vector!, collectionIds, settings.topK, settings.embedModel);
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
