import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HOSTILE_NAMES } from '../../test/support/hostile-names.ts';

const DOC = path.resolve(import.meta.dirname, '../../../docs/security.md');

describe('docs/security.md', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| '));

  it('names every test file of src/security', () => {
    const files = fs.readdirSync(import.meta.dirname).filter((f) => f.endsWith('.test.ts'));
    for (const file of files) assert.ok(doc.includes(`\`${file}\``), `${file} is not in docs/security.md`);
  });

  it('lists every hostile upload name the tests send, with the answer and the name kept', () => {
    for (const c of HOSTILE_NAMES) {
      const row = rows.find((r) => r.startsWith(`| \`${c.label}\` |`));
      assert.ok(row, `no row for ${c.label}`);
      const [, answer, stored] = row.split(' | ');
      assert.match(answer!, new RegExp(`^${c.status}\\b`), row);
      if (c.code) assert.ok(answer!.includes(`\`${c.code}\``), row);
      assert.ok(stored!.startsWith(c.stored ? (c.shown ?? `\`${c.stored}\``) : '—'), row);
    }
  });

  it('says how to run them', () => {
    assert.ok(doc.includes('npm test'));
    assert.ok(doc.includes('node --test src/security/uploads.test.ts'));
  });
});
