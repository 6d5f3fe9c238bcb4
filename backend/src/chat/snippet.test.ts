import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNIPPET_MAX, snippetFor } from './snippet.ts';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `Filler line ${i} about unrelated maintenance tasks and schedules`).join('\n');

describe('snippetFor', () => {
  it('shows a short chunk whole, without cut marks', () => {
    assert.equal(snippetFor('Rivers flow. Lakes are deep and cold.', 'how deep are lakes'), 'Rivers flow. Lakes are deep and cold.');
  });

  it('starts at the matching sentence of long prose and marks both cuts', () => {
    const text = `${'Rivers flow to the sea and carry silt. '.repeat(12)}Lakes are deep and cold in winter. ${'Seas are salty and wide. '.repeat(40)}`;
    const snippet = snippetFor(text, 'how deep are lakes');
    assert.match(snippet, /^…Lakes are deep and cold in winter\. Seas/);
    assert.ok(snippet.endsWith('…'));
    assert.ok(snippet.length <= SNIPPET_MAX + 2, `${snippet.length}`);
  });

  it('finds the matching row of a table without any sentence punctuation', () => {
    const table = [filler(8), 'binomial    binom    size, prob', 'Poisson     pois     lambda', 'Wilcoxon    wilcox   m, n', filler(8)].join('\n');
    const snippet = snippetFor(table, 'Which arguments does the Poisson distribution take?');
    assert.match(snippet, /^…Poisson pois lambda Wilcoxon/);
  });

  it('finds the matching lines of code and argument lists', () => {
    const code = [filler(6), 'Usage', 'on.exit(expr = NULL, add = FALSE, after = TRUE)', 'Arguments', 'add if TRUE, add expr to be executed after any previously set expressions', filler(6)].join('\n');
    const snippet = snippetFor(code, 'How do I register a second cleanup expression with on.exit without replacing the first?');
    assert.ok(snippet.includes('add = FALSE') && snippet.includes('previously set expressions'), snippet);
    assert.ok(snippet.startsWith('…'));
  });

  it('joins separate matching places of a chunk in text order, the gap marked, the best one surely in', () => {
    const text = [filler(5), 'The eigenvalue routine is fast.', filler(12), 'Only the eigenvalues of a symmetric matrix: only.values = TRUE', filler(12)].join('\n');
    const snippet = snippetFor(text, 'eigenvalue of a symmetric matrix');
    assert.match(snippet, /^…The eigenvalue routine is fast\. .* … Only the eigenvalues of a symmetric matrix: only\.values = TRUE .*…$/);
    assert.ok(snippet.length <= SNIPPET_MAX + 8, `${snippet.length}`);
  });

  it('finds the one line with a rare question word among many lines that share a common one', () => {
    const text = Array.from({ length: 30 }, (_, i) => (i === 20 ? 'package lock files are kept under the spool folder' : `package note ${i} with unrelated text about shipping and handling of parcels`)).join('\n');
    const snippet = snippetFor(text, 'Where is the package spool folder?');
    assert.ok(snippet.includes('package lock files are kept under the spool folder'), snippet);
  });

  it('never exceeds the length, even for a chunk that is one long word', () => {
    const snippet = snippetFor('z'.repeat(1000), 'q');
    assert.ok(snippet.length <= SNIPPET_MAX + 1);
    assert.ok(snippet.endsWith('…'));
    assert.equal(snippetFor('   ', 'q'), '');
  });
});
