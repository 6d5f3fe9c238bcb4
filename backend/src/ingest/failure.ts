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
