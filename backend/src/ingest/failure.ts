import { ChromaError, DimensionMismatchError } from '../clients/chroma.ts';
import { OllamaError } from '../clients/ollama.ts';
import { InvalidEmbeddingError } from '../embedding/embedder.ts';
import { PermanentIngestError, TransientIngestError } from './ingest.errors.ts';

export type IngestFailure =
  | { permanent: true; code: string; message: string }
  | { permanent: false; code: string; message: string };

/** Decides once whether an ingestion error is worth retrying, and how to say it to a person. */
export function classifyIngestError(err: unknown): IngestFailure {
  if (err instanceof PermanentIngestError) return { permanent: true, code: err.reason, message: err.message };
  if (err instanceof InvalidEmbeddingError) return { permanent: true, code: 'embedding_invalid', message: err.message };
  if (err instanceof DimensionMismatchError) return { permanent: true, code: 'dimension_mismatch', message: err.message };
  if (err instanceof OllamaError) {
    const code = err.kind === 'model_missing' ? 'ollama_model_missing' : 'ollama_unavailable';
    return { permanent: false, code, message: `waiting for Ollama: ${err.message}` };
  }
  if (err instanceof ChromaError) {
    if (err.kind === 'rejected' && /dimension/i.test(err.message)) {
      return { permanent: true, code: 'dimension_mismatch', message: err.message };
    }
    return { permanent: false, code: 'chroma_unavailable', message: `waiting for Chroma: ${err.message}` };
  }
  if (err instanceof TransientIngestError) return { permanent: false, code: `${err.dependency}_unavailable`, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { permanent: false, code: 'internal', message: `ingestion failed unexpectedly and will be retried (${message.slice(0, 200)})` };
}

/** Whether BullMQ failed the job itself, without running the processor (which records its own failures). */
export function failedOutsideProcessor(failedReason: string | undefined): boolean {
  return /(stalled|started) more than allowable limit/.test(failedReason ?? '');
}

/**
 * How to say why BullMQ itself failed a job (outside the processor): a job whose worker died
 * twice while running it ("stalled more than allowable limit"), or another reason it gives.
 */
export function describeJobFailure(failedReason: string | undefined): { code: string; message: string } {
  if (failedOutsideProcessor(failedReason)) {
    return {
      code: 'worker_lost',
      message:
        'processing was interrupted twice before it finished (the worker stopped or ran out of memory on this document); retry it, and check the worker if it happens again',
    };
  }
  return { code: 'job_failed', message: `the ingest job ended without finishing (${(failedReason || 'no reason given').slice(0, 200)}); retry it` };
}
