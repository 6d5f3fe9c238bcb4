import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalise, reciprocalRankFusion, topIds, weightedFusion } from './fusion.ts';
import { contentWords, ftsQuery } from './keywords.ts';

describe('fusion', () => {
  it('ranks an id found by both retrievers above ids found by one', () => {
    const fused = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], scores: [], weight: 0.5 },
      { ids: ['d', 'b'], scores: [], weight: 0.5 },
    ]);
    assert.equal(topIds(fused, 1)[0], 'b');
    assert.deepEqual(topIds(fused, 10).length, 4);
  });

  it('weights normalised scores with weighted fusion', () => {
    const fused = weightedFusion([
      { ids: ['a', 'b'], scores: [1, 0.1], weight: 0.9 },
      { ids: ['b'], scores: [1], weight: 0.1 },
    ]);
    assert.deepEqual(topIds(fused, 2), ['a', 'b']);
  });

  it('normalises lower-is-better scores so the best becomes 1', () => {
    assert.deepEqual(normalise([-10, -5, 0], true), [1, 0.5, 0]);
    assert.deepEqual(normalise([3], true), [1]);
  });
});

describe('keyword queries', () => {
  it('keeps content words and drops stop words and punctuation', () => {
    assert.deepEqual(contentWords('What is the Krakatoa eruption energy?'), ['krakatoa', 'eruption', 'energy']);
  });

  it('quotes every word so FTS5 syntax in a question cannot leak into the query', () => {
    assert.equal(ftsQuery('NEAR(turbine blade) OR "rotor" -hub*'), '"near" OR "turbine" OR "blade" OR "rotor" OR "hub"');
    assert.equal(ftsQuery('the of and'), '');
  });
});
