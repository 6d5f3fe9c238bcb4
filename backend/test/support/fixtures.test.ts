import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { debianFile } from './fixtures.ts';

describe('debianFile', () => {
  it('returns the path of a file that is installed', () => {
    assert.equal(debianFile('/etc/debian_version', 'base-files'), '/etc/debian_version');
  });

  it('fails naming the Debian package when the file is absent', () => {
    assert.throws(() => debianFile('/usr/share/nothing-here/manual.pdf', 'r-doc-pdf'), /\/usr\/share\/nothing-here\/manual\.pdf is missing: it comes from the Debian package r-doc-pdf \(apt-get install r-doc-pdf/);
  });
});
