import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuseTopK, normalise, reciprocalRankFusion, topIds, weightedFusion } from './fusion.ts';
import { matchExpression } from './keyword-search.ts';
import { contentWords } from './keywords.ts';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

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

  it('brings the keyword leg\'s first hit into the top k even when a long vector list outweighs it', () => {
    // The old default: 24 vector candidates at weight 0.6 with k = 60 each score at least
    // 0.6/84, more than the keyword leg's first (0.4/61); without room made for it, it is lost.
    const lists = [
      { ids: ids('v', 24), scores: [], weight: 0.6 },
      { ids: ['kw-best', ...ids('k', 23)], scores: [], weight: 0.4 },
    ];
    assert.ok(!topIds(reciprocalRankFusion(lists, 60), 6).includes('kw-best'));
    for (const method of ['rrf', 'weighted'] as const) {
      const scored = lists.map((l) => ({ ...l, scores: normalise(l.ids.map((_, i) => i), true) }));
      const { ids: top } = fuseTopK(scored, 6, method, 60);
      assert.equal(top.length, 6);
      assert.ok(top.includes('kw-best'), `${method}: ${top.join(',')}`);
      assert.ok(top.includes('v1'), `${method}: ${top.join(',')}`);
    }
  });

  it('keeps the fused order and ignores the first hit of a list with no weight', () => {
    const lists = [
      { ids: ['a', 'b', 'c'], scores: [], weight: 1 },
      { ids: ['z'], scores: [], weight: 0 },
    ];
    assert.deepEqual(fuseTopK(lists, 2, 'rrf', 10).ids, ['a', 'b']);
  });

  it('lets a small rrf k put one leg\'s first hit above the other leg\'s tail', () => {
    const lists = [
      { ids: ids('v', 24), scores: [], weight: 0.5 },
      { ids: ['kw-best'], scores: [], weight: 0.5 },
    ];
    assert.deepEqual(topIds(reciprocalRankFusion(lists, 10), 2).sort(), ['kw-best', 'v1']);
  });
});

describe('keyword queries', () => {
  it('keeps content words and drops stop words and punctuation', () => {
    assert.deepEqual(contentWords('What is the Krakatoa eruption energy?'), ['krakatoa', 'eruption', 'energy']);
  });

  it('quotes every word so FTS5 syntax in a question cannot leak into the query', () => {
    assert.equal(matchExpression(contentWords('NEAR(turbine blade) OR "rotor" -hub*')), '"near" OR "turbine" OR "blade" OR "rotor" OR "hub"');
    assert.equal(matchExpression(['say"']), '"say"""');
    assert.equal(matchExpression(contentWords('the of and')), '');
  });
});
