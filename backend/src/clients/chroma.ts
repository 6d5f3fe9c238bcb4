import { createHash } from 'node:crypto';
import { ChromaClient, type Collection, type Metadata, type Where } from 'chromadb';

/** Chroma could not be reached, or refused what we sent. */
export class ChromaError extends Error {
  readonly kind: 'unreachable' | 'rejected';
  constructor(kind: 'unreachable' | 'rejected', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChromaError';
    this.kind = kind;
  }
}

/** Vectors of different sizes were offered for one Chroma collection. */
export class DimensionMismatchError extends Error {
  constructor(detail: string) {
    super(`embedding dimension mismatch: ${detail}; the embedding model changed size, so its documents must be re-indexed`);
    this.name = 'DimensionMismatchError';
  }
}

export interface ChunkVector {
  id: string;
  vector: number[];
  documentId: string;
  collectionId: string;
  chunkIndex: number;
  page: number | null;
}

export interface VectorHit {
  id: string;
  documentId: string;
  chunkIndex: number;
  /** Cosine distance: 0 is identical, 2 is opposite. */
  distance: number;
}

export interface VectorStore {
  heartbeat(): Promise<void>;
  /** Upserts vectors into the Chroma collection of this embedding model and dimension. */
  upsertChunks(model: string, vectors: ChunkVector[]): Promise<void>;
  /** Nearest chunks in the given (knowledge-base) collections. */
  /** Nearest chunks in the collections; with documentIds, only chunks of those documents. */
  queryChunks(model: string, collectionIds: string[], vector: number[], k: number, documentIds?: string[]): Promise<VectorHit[]>;
  /** Removes every vector of a document, whichever model made it. */
  deleteDocument(documentId: string): Promise<void>;
  /** Removes a document's vectors from chunk index `fromIndex` on (left by an earlier, longer run). */
  deleteDocumentFrom(documentId: string, fromIndex: number): Promise<void>;
  countForDocument(documentId: string): Promise<number>;
  /** Drops every Chroma collection this deployment owns (tests, full re-index and restore only). */
  dropAll(): Promise<void>;
  /** Every Chroma collection this deployment owns, with what it holds (for backups). */
  listOwned(): Promise<OwnedCollection[]>;
  /** The vectors with these ids in one owned collection; ids it lacks are left out. */
  getVectors(name: string, ids: string[]): Promise<ChunkVector[]>;
}

export interface OwnedCollection {
  name: string;
  model: string;
  dimension: number;
  collectionId: string;
  count: number;
}

/**
 * One Chroma collection per embedding model, dimension and knowledge-base collection: vectors of
 * different models never mix, and a search needs no `where` filter (which costs Chroma a scan of
 * the whole collection on every query).
 */
export function chromaCollectionName(prefix: string, model: string, dimension: number, collectionId: string): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);
  const modelSlug = slug(model.replace(/:latest$/i, ''));
  const modelPart = modelSlug.length <= 24 ? modelSlug : `${modelSlug.slice(0, 17)}-${hash(model, 6)}`;
  const kbSlug = slug(collectionId);
  const kbPart = kbSlug.length > 0 && kbSlug.length <= 16 && kbSlug === collectionId ? kbSlug : hash(collectionId, 16);
  return `${prefix}-${modelPart}-${dimension}-${kbPart}`;
}

export function createChromaStore(url: string, prefix: string): VectorStore {
  const u = new URL(url);
  const client = new ChromaClient({
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    ssl: u.protocol === 'https:',
  });
  const handles = new Map<string, Promise<Collection>>();

  function collectionFor(model: string, dimension: number, collectionId: string): Promise<Collection> {
    const name = chromaCollectionName(prefix, model, dimension, collectionId);
    let handle = handles.get(name);
    if (!handle) {
      handle = client.getOrCreateCollection({
        name,
        embeddingFunction: null,
        configuration: { hnsw: { space: 'cosine' } },
        metadata: { model, dimension, collectionId },
      });
      handle.catch(() => handles.delete(name));
      handles.set(name, handle);
    }
    return handle;
  }

  async function chunkCollections(): Promise<Collection[]> {
    const all: Collection[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await client.listCollections({ limit: 100, offset });
      all.push(...page.filter((c) => c.name.startsWith(`${prefix}-`)));
      if (page.length < 100) return all;
    }
  }

  return {
    async heartbeat() {
      await guard(() => client.heartbeat());
    },
    async upsertChunks(model, vectors) {
      if (vectors.length === 0) return;
      const dimension = vectors[0]!.vector.length;
      if (vectors.some((v) => v.vector.length !== dimension)) {
        throw new DimensionMismatchError(`vectors of ${dimension} and other sizes in one batch`);
      }
      const byCollection = Map.groupBy(vectors, (v) => v.collectionId);
      await guard(async () => {
        for (const [collectionId, group] of byCollection) {
          const collection = await collectionFor(model, dimension, collectionId);
          await collection.upsert({ ids: group.map((v) => v.id), embeddings: group.map((v) => v.vector), metadatas: group.map(toMetadata) });
        }
      });
    },
    async queryChunks(model, collectionIds, vector, k, documentIds) {
      if (collectionIds.length === 0 || documentIds?.length === 0) return [];
      const where: Where | undefined = documentIds ? { documentId: { $in: documentIds } } : undefined;
      return guard(async () => {
        const perCollection = await Promise.all(
          collectionIds.map(async (collectionId) => {
            const collection = await collectionFor(model, vector.length, collectionId);
            const res = await collection.query({ queryEmbeddings: [vector], nResults: k, include: ['metadatas', 'distances'], ...(where ? { where } : {}) });
            return (res.ids[0] ?? []).map((id, i) => {
              const meta = res.metadatas[0]?.[i] ?? {};
              return { id, documentId: String(meta.documentId), chunkIndex: Number(meta.chunkIndex), distance: res.distances[0]?.[i] ?? 2 };
            });
          }),
        );
        return perCollection.flat().sort((a, b) => a.distance - b.distance).slice(0, k);
      });
    },
    async deleteDocument(documentId) {
      await guard(async () => {
        for (const collection of await chunkCollections()) await collection.delete({ where: { documentId } });
      });
    },
    async deleteDocumentFrom(documentId, fromIndex) {
      await guard(async () => {
        const where: Where = { $and: [{ documentId }, { chunkIndex: { $gte: fromIndex } }] };
        for (const collection of await chunkCollections()) await collection.delete({ where });
      });
    },
    async dropAll() {
      await guard(async () => {
        for (const collection of await chunkCollections()) await client.deleteCollection({ name: collection.name });
        handles.clear();
      });
    },
    async listOwned() {
      return guard(async () => {
        const owned: OwnedCollection[] = [];
        for (const collection of await chunkCollections()) {
          const meta = collection.metadata ?? {};
          owned.push({
            name: collection.name,
            model: String(meta.model),
            dimension: Number(meta.dimension),
            collectionId: String(meta.collectionId),
            count: await collection.count(),
          });
        }
        return owned;
      });
    },
    async getVectors(name, ids) {
      if (ids.length === 0) return [];
      return guard(async () => {
        let handle = handles.get(name);
        if (!handle) {
          handle = client.getCollection({ name });
          handle.catch(() => handles.delete(name));
          handles.set(name, handle);
        }
        const collection = await handle;
        const res = await collection.get({ ids, include: ['embeddings', 'metadatas'] });
        return res.ids.map((id, i) => {
          const meta = res.metadatas[i] ?? {};
          return {
            id,
            vector: Array.from(res.embeddings[i] ?? []),
            documentId: String(meta.documentId),
            collectionId: String(meta.collectionId),
            chunkIndex: Number(meta.chunkIndex),
            page: typeof meta.page === 'number' ? meta.page : null,
          };
        });
      });
    },
    async countForDocument(documentId) {
      return guard(async () => {
        let count = 0;
        for (const collection of await chunkCollections()) {
          count += (await collection.get({ where: { documentId }, include: [] })).ids.length;
        }
        return count;
      });
    },
  };
}

function toMetadata(v: ChunkVector): Metadata {
  const meta: Metadata = { documentId: v.documentId, collectionId: v.collectionId, chunkIndex: v.chunkIndex };
  if (v.page !== null) meta.page = v.page;
  return meta;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChromaError || err instanceof DimensionMismatchError) throw err;
    const name = (err as Error)?.name ?? '';
    const message = (err as Error)?.message ?? String(err);
    if (name === 'ChromaConnectionError' || /fetch failed|ECONNREFUSED|ECONNRESET|socket|timed? ?out/i.test(message)) {
      throw new ChromaError('unreachable', 'Chroma is unreachable', { cause: err });
    }
    throw new ChromaError('rejected', `Chroma refused the request: ${message}`, { cause: err });
  }
}
