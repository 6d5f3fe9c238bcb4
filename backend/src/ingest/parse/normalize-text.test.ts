import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeText } from './normalize-text.ts';

describe('normalizeText', () => {
  it('composes characters to NFC', () => {
    assert.equal(normalizeText('Cafe\u0301'), 'Caf\u00e9');
  });

  it('turns CRLF and CR into LF and removes control and invisible characters but keeps tabs', () => {
    assert.equal(normalizeText('a\r\nb\rc\u0000d\u0007e\u200Bf\u00ADg\th'), 'a\nb\ncdefg\th');
  });

  it('collapses runs of spaces, trims lines and keeps at most one blank line', () => {
    assert.equal(normalizeText('  one   two\u00A0\u00A0three  \n\n\n\n   four  '), 'one two three\n\nfour');
  });

  it('joins hyphenated line breaks between lowercase letters only when asked', () => {
    assert.equal(normalizeText('con-\nducted', { dehyphenate: true }), 'conducted');
    assert.equal(normalizeText('con-\nducted'), 'con-\nducted');
    assert.equal(normalizeText('R-\nProject', { dehyphenate: true }), 'R-\nProject');
  });

  // A guard against catastrophic backtracking, not a benchmark.
  it('stays linear on long runs of blanks', () => {
    const started = performance.now();
    normalizeText(`${' \t'.repeat(2_000_000)}x${'\t'.repeat(2_000_000)}\n`);
    assert.ok(performance.now() - started < 5000);
  });
});
