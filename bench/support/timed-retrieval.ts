import type { Services } from '../../backend/src/services.ts';
import { createRetrievalService } from '../../backend/src/retrieval/retrieval.service.ts';

export interface StepTimes {
  chromaQuery: number[];
  ftsSearch: number[];
  rowFetch: number[];
  vectorHits: number[];
  keywordHits: number[];
}

/**
 * The product's retrieval service built over the same Chroma client and chunks repository, each
 * wrapped to time its calls, so a search's time splits into Chroma, FTS and row fetch (the rest
 * is fusion). Only a clock read is added per call.
 */
export function timedRetrieval(services: Services) {
  const times: StepTimes = { chromaQuery: [], ftsSearch: [], rowFetch: [], vectorHits: [], keywordHits: [] };
  const vectors: Services['vectors'] = {
    ...services.vectors,
    async queryChunks(...args) {
      const t0 = performance.now();
      const hits = await services.vectors.queryChunks(...args);
      times.chromaQuery.push(performance.now() - t0);
      times.vectorHits.push(hits.filter((h) => h.distance <= services.config.retrieval.maxDistance).length);
      return hits;
    },
  };
  const keywords: Services['keywords'] = {
    ...services.keywords,
    async search(query) {
      const t0 = performance.now();
      const hits = await services.keywords.search(query);
      times.ftsSearch.push(performance.now() - t0);
      times.keywordHits.push(hits.length);
      return hits;
    },
  };
  const chunks: Services['chunks'] = {
    ...services.chunks,
    getReady(ids) {
      const t0 = performance.now();
      const rows = services.chunks.getReady(ids);
      times.rowFetch.push(performance.now() - t0);
      return rows;
    },
  };
  const retrieval = createRetrievalService({ config: services.config, embedder: services.embedder, vectors, chunks, keywords, metrics: services.metrics });
  return {
    search: retrieval.search,
    /** The times recorded since the last call, then cleared. */
    take(): StepTimes {
      const out = { ...times };
      for (const key of Object.keys(times) as (keyof StepTimes)[]) times[key] = [];
      return out;
    },
  };
}
