import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanFilename } from './filename.ts';

describe('cleanFilename', () => {
  it('keeps only the last path segment', () => {
    assert.equal(cleanFilename('../../etc/passwd'), 'passwd');
    assert.equal(cleanFilename('..\\..\\x.pdf'), 'x.pdf');
  });
  it('removes control and bidi characters', () => {
    assert.equal(cleanFilename('a.pdf\u0000.exe'), 'a.pdf.exe');
    assert.equal(cleanFilename('invoice\u202Efdp.exe'), 'invoicefdp.exe');
  });
  it('normalises to NFC', () => {
    assert.equal(cleanFilename('cafe\u0301.txt'), 'caf\u00e9.txt');
  });
  it('caps the length and keeps the extension', () => {
    const name = cleanFilename(`${'a'.repeat(300)}.pdf`);
    assert.equal(name.length, 200);
    assert.ok(name.endsWith('.pdf'));
  });
  it('never returns an empty name', () => {
    assert.equal(cleanFilename('\u0000/'), 'unnamed');
  });
});
