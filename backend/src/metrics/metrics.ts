import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OllamaObserver } from '../clients/ollama.ts';

/**
 * Every metric the product exports, in one registry per process. Names follow Prometheus'
 * conventions (`rag_` prefix, base units, `_total` and `_seconds`); every label takes a small,
 * fixed set of values (route templates, outcomes, stages, configured model names), never an id.
 */
export function createMetrics() {
  const registry = new Registry();
  // Process defaults (CPU, RSS, heap, event-loop lag, GC) keep their standard names.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const http = {
    requests: new Counter({
      name: 'rag_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status class.',
      labelNames: ['route', 'method', 'status_class'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'rag_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its answer.',
      labelNames: ['route', 'method', 'status_class'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    socketConnections: new Gauge({
      name: 'rag_socket_connections',
      help: 'socket.io connections open on this api process.',
      registers,
    }),
  };

  const chat = {
    answers: new Counter({
      name: 'rag_chat_answers_total',
      help: 'Questions answered, by outcome: answered, no_sources, cached, failed, aborted.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'rag_chat_time_to_first_token_seconds',
      help: 'Time from a question to the first token of a model-written answer.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60],
      registers,
    }),
    duration: new Histogram({
      name: 'rag_chat_duration_seconds',
      help: 'Time from a question to the end of its answer, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    }),
    retrieval: new Histogram({
      name: 'rag_retrieval_duration_seconds',
      help: 'Time of each retrieval leg: embed (the question), vector (Chroma), keyword (FTS5 BM25), fusion.',
      labelNames: ['leg'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    sourcesUsed: new Histogram({
      name: 'rag_chat_sources_used',
      help: 'Sources given to the model for one answer.',
      buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
      registers,
    }),
    answerCache: new Counter({
      name: 'rag_answer_cache_requests_total',
      help: 'Answer-cache lookups, by result: hit or miss.',
      labelNames: ['result'] as const,
      registers,
    }),
  };

  const ollama = {
    duration: new Histogram({
      name: 'rag_ollama_request_duration_seconds',
      help: 'Duration of successful Ollama requests (a chat request lasts until its stream ends), by operation and model.',
      labelNames: ['operation', 'model'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    }),
    tokens: new Counter({
      name: 'rag_ollama_tokens_total',
      help: "Tokens as Ollama counts them (prompt_eval_count in, eval_count out), by direction, operation and model.",
      labelNames: ['direction', 'operation', 'model'] as const,
      registers,
    }),
    generation: new Counter({
      name: 'rag_ollama_generation_seconds_total',
      help: "Time Ollama spent generating answer tokens (its eval_duration), by model.",
      labelNames: ['model'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'rag_ollama_errors_total',
      help: 'Failed Ollama requests, by operation and kind: unreachable, timeout, model_missing, bad_response.',
      labelNames: ['operation', 'kind'] as const,
      registers,
    }),
    embeddingCache: new Counter({
      name: 'rag_embedding_cache_requests_total',
      help: 'Texts looked up in the embedding cache, by result: hit or miss.',
      labelNames: ['result'] as const,
      registers,
    }),
  };

  const ingest = {
    documents: new Counter({
      name: 'rag_ingest_documents_total',
      help: 'Ingestion attempts by outcome (ready, failed, retried) and failure reason (none when ready).',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
    stage: new Histogram({
      name: 'rag_ingest_stage_duration_seconds',
      help: 'Duration of each ingestion stage: parsing, chunking, embedding, indexing.',
      labelNames: ['stage'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    pages: new Counter({ name: 'rag_ingest_pages_total', help: 'Pages of documents that became ready.', registers }),
    chunks: new Counter({ name: 'rag_ingest_chunks_total', help: 'Chunks of documents that became ready.', registers }),
  };

  return { registry, http, chat, ollama, ingest };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** `2xx`, `4xx`, ... : the status class keeps the label to five values. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Seconds since a `performance.now()` reading. */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/** Turns what the Ollama client observes into the `rag_ollama_*` metrics. */
export function ollamaObserver(metrics: Metrics): OllamaObserver {
  const { ollama } = metrics;
  return {
    succeeded(operation, model, seconds, usage) {
      ollama.duration.observe({ operation, model }, seconds);
      ollama.tokens.inc({ direction: 'input', operation, model }, usage.promptTokens);
      if (operation === 'chat') {
        ollama.tokens.inc({ direction: 'output', operation, model }, usage.outputTokens);
        ollama.generation.inc({ model }, usage.generationSeconds);
      }
    },
    failed(operation, kind) {
      ollama.errors.inc({ operation, kind });
    },
  };
}
