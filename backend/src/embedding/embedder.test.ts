import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEmbeddingError, validateVector } from './embedder.ts';

describe('validateVector', () => {
  it('accepts a finite, non-zero vector', () => {
    validateVector([0.1, -0.2, 0.3]);
  });
  it('refuses zero, NaN, infinite and empty vectors', () => {
    for (const v of [[0, 0, 0], [0.1, Number.NaN], [Number.POSITIVE_INFINITY, 1], []]) {
      assert.throws(() => validateVector(v), InvalidEmbeddingError, JSON.stringify(v));
    }
  });
});
