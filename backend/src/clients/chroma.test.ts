import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testChromaUrl } from '../../test/support/stack.ts';
import { chromaCollectionName, createChromaStore, DimensionMismatchError, type ChunkVector, type VectorStore } from './chroma.ts';

const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  return xs.map((x) => x / n);
};
const vec = (documentId: string, collectionId: string, i: number, vector: number[]): ChunkVector => ({
  id: `${documentId}:${i}`,
  documentId,
  collectionId,
  chunkIndex: i,
  page: i + 1,
  vector,
});

describe('the Chroma vector store', () => {
  let store: VectorStore;
  before(async () => {
    store = createChromaStore(await testChromaUrl(), `t${randomUUID().slice(0, 8)}`);
  });
  after(() => store.dropAll());

  it('keeps knowledge bases apart: a search never returns another collection\'s vectors', async () => {
    await store.upsertChunks('m', [vec('docA', 'kb-a', 0, unit(1, 0, 0)), vec('docA', 'kb-a', 1, unit(1, 1, 0))]);
    await store.upsertChunks('m', [vec('docB', 'kb-b', 0, unit(1, 0, 0))]);
    const inA = await store.queryChunks('m', ['kb-a'], unit(1, 0, 0), 10);
    assert.deepEqual(inA.map((h) => h.documentId), ['docA', 'docA']);
    assert.ok(inA[0]!.distance < 1e-5 && inA[0]!.chunkIndex === 0);
    const both = await store.queryChunks('m', ['kb-a', 'kb-b'], unit(1, 0, 0), 2);
    assert.deepEqual(both.map((h) => h.id).sort(), ['docA:0', 'docB:0'], 'merged by distance across collections');
    assert.deepEqual(await store.queryChunks('m', [], unit(1, 0, 0), 5), []);
  });

  it('refuses vectors of different sizes in one batch with a clear error', async () => {
    await assert.rejects(
      store.upsertChunks('m', [vec('docC', 'kb-a', 0, unit(1, 0, 0)), vec('docC', 'kb-a', 1, unit(1, 0))]),
      (err: Error) => err instanceof DimensionMismatchError && /dimension mismatch.*re-indexed/.test(err.message),
    );
    assert.equal(await store.countForDocument('docC'), 0, 'nothing of the batch was stored');
  });

  it('keeps a model of another dimension in its own collection', async () => {
    await store.upsertChunks('m', [vec('docD', 'kb-a', 0, unit(1, 2))]);
    assert.equal((await store.queryChunks('m', ['kb-a'], unit(1, 2), 5)).length, 1);
    assert.notEqual(chromaCollectionName('p', 'm', 2, 'kb-a'), chromaCollectionName('p', 'm', 3, 'kb-a'));
  });

  it('upserts by chunk id, so writing the same chunks again duplicates nothing', async () => {
    const again = [vec('docE', 'kb-a', 0, unit(0, 0, 1)), vec('docE', 'kb-a', 1, unit(0, 1, 1))];
    await store.upsertChunks('m', again);
    await store.upsertChunks('m', again);
    assert.equal(await store.countForDocument('docE'), 2);
  });

  it('deletes a document\'s vectors, or only those past a chunk index', async () => {
    await store.upsertChunks('m', [0, 1, 2, 3].map((i) => vec('docF', 'kb-b', i, unit(1, i, 1))));
    await store.deleteDocumentFrom('docF', 2);
    assert.equal(await store.countForDocument('docF'), 2);
    await store.deleteDocument('docF');
    assert.equal(await store.countForDocument('docF'), 0);
  });

  it('names collections within Chroma\'s rules whatever the model and collection ids', () => {
    const name = chromaCollectionName('chunks', 'hf.co/Some-Org/a-very-long-embedding-model-name:Q4_K_M', 768, randomUUID());
    assert.match(name, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    assert.equal(chromaCollectionName('chunks', 'nomic-embed-text:latest', 768, 'default'), 'chunks-nomic-embed-text-768-default');
  });
});
