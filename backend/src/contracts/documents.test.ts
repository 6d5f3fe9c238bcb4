import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentSchema, INGEST_STAGES, ingestProgressSchema, PROCESSING_STAGES } from './documents.ts';

const valid = { documentId: 'doc-1', collectionId: 'default', stage: 'parsing', unit: 'page', done: 0, total: 0, percent: 0 };

describe('the ingest progress contract', () => {
  it('accepts what an ingest job reports', () => {
    assert.deepEqual(ingestProgressSchema.parse(valid), valid);
  });

  it('rejects a report that does not say which document and collection it is about', () => {
    const { collectionId: _collection, ...noCollection } = valid;
    const { documentId: _document, ...noDocument } = valid;
    assert.equal(ingestProgressSchema.safeParse(noCollection).success, false);
    assert.equal(ingestProgressSchema.safeParse(noDocument).success, false);
  });

  it('rejects a stage, unit, count or percent out of range', () => {
    for (const bad of [{ stage: 'waiting' }, { stage: 'uploading' }, { unit: 'byte' }, { done: -1 }, { total: 1.5 }, { percent: 101 }, { percent: 61.6 }]) {
      assert.equal(ingestProgressSchema.safeParse({ ...valid, ...bad }).success, false, JSON.stringify(bad));
    }
  });

  it('is where the document DTO takes its stages and percent from', () => {
    assert.deepEqual(INGEST_STAGES, ['waiting', ...PROCESSING_STAGES]);
    assert.deepEqual(documentSchema.shape.stage.unwrap().options, [...INGEST_STAGES]);
    assert.equal(documentSchema.shape.progress.safeParse(101).success, false);
  });
});
