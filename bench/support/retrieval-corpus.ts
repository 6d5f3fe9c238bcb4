import type { Services } from '../../backend/src/services.ts';
import type { Chunk } from '../../backend/src/ingest/parse/parse.types.ts';
import { chunkId } from '../../backend/src/retrieval/chunks.repository.ts';
import { embedText } from '../../backend/test/support/ollama-emulator.answers.ts';
import { chunkText, heading, prng, seededSha, seededUuid, vocabulary, type Vocabulary } from './corpus.ts';

export const EMBEDDING_DIM = 384;
export const COLLECTION = 'default';

export interface CorpusSpec {
  chunks: number;
  chunksPerDocument: number;
  chunkChars: number;
  vocabularySize: number;
  seed: number;
}

export interface LoadFigures {
  documents: number;
  chunks: number;
  textBytes: number;
  ms: { total: number; generate: number; embed: number; sqlite: number; chromaWait: number };
}

/**
 * Writes a synthetic corpus through the product's own repositories and Chroma client, exactly as
 * ingestion would: document row (queued) -> Chroma upserts -> chunks + FTS -> document ready.
 */
export async function loadCorpus(services: Services, spec: CorpusSpec, onProgress: (chunksDone: number) => void): Promise<LoadFigures> {
  const v = vocabulary(spec.vocabularySize, spec.seed);
  const rand = prng(spec.seed + 1);
  const model = services.security.settings.get().embedModel;
  const ms = { total: 0, generate: 0, embed: 0, sqlite: 0, chromaWait: 0 };
  const started = performance.now();
  // Chroma indexes while the next document is generated: at most two upserts in flight.
  const inFlight = new Set<Promise<void>>();
  let documents = 0;
  let textBytes = 0;
  for (let done = 0; done < spec.chunks; documents++) {
    const n = Math.min(spec.chunksPerDocument, spec.chunks - done);
    let t = performance.now();
    const doc = { id: seededUuid(rand), sha256: seededSha(rand), pages: Math.ceil(n / 2) };
    const pieces = documentChunks(v, rand, n, spec.chunkChars);
    textBytes += pieces.reduce((s, c) => s + Buffer.byteLength(c.text), 0);
    ms.generate += performance.now() - t;

    t = performance.now();
    const vectors = pieces.map((c) => embedText(c.text, EMBEDDING_DIM));
    ms.embed += performance.now() - t;

    t = performance.now();
    services.documentsRepository.insertUnlessDuplicate({
      id: doc.id,
      collectionId: COLLECTION,
      sha256: doc.sha256,
      filename: `bench-${String(documents).padStart(5, '0')}.pdf`,
      kind: 'pdf',
      sizeBytes: n * spec.chunkChars,
      uploadedBy: null,
    });
    services.documentsRepository.setStatus(doc.id, 'processing', { stage: 'embedding', progress: 15 });
    ms.sqlite += performance.now() - t;

    const upsert = services.vectors
      .upsertChunks(
        model,
        pieces.map((c, i) => ({ id: chunkId(doc.id, c.index), vector: vectors[i]!, documentId: doc.id, collectionId: COLLECTION, chunkIndex: c.index, page: c.page })),
      )
      .then(async () => {
        const t2 = performance.now();
        await services.chunks.replaceForDocument(doc.id, COLLECTION, pieces);
        services.documentsRepository.setStatus(doc.id, 'ready', { stage: null, progress: 100, pageCount: doc.pages, chunkCount: n, embeddingModel: model, error: null });
        ms.sqlite += performance.now() - t2;
      });
    inFlight.add(upsert);
    void upsert.finally(() => inFlight.delete(upsert)).catch(() => undefined);
    if (inFlight.size >= 2) {
      t = performance.now();
      await Promise.race(inFlight);
      ms.chromaWait += performance.now() - t;
    }
    done += n;
    onProgress(done);
  }
  const t = performance.now();
  await Promise.all(inFlight);
  ms.chromaWait += performance.now() - t;
  services.collectionsRepository.bumpCorpusVersion(COLLECTION);
  ms.total = performance.now() - started;
  return { documents, chunks: spec.chunks, textBytes, ms };
}

/** One document's chunks: a heading every few chunks, two chunks a page. */
function documentChunks(v: Vocabulary, rand: () => number, n: number, chars: number): Chunk[] {
  const chunks: Chunk[] = [];
  let current = heading(v, rand);
  for (let index = 0; index < n; index++) {
    if (index % 5 === 0) current = heading(v, rand);
    chunks.push({ index, text: chunkText(v, rand, chars), page: 1 + Math.floor(index / 2), heading: current });
  }
  return chunks;
}
