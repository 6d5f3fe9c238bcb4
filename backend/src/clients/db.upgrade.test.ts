import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createChunksRepository } from '../retrieval/chunks.repository.ts';
import { createKeywordSearch } from '../retrieval/keyword-search.ts';
import { createDocumentsRepository } from '../documents/documents.repository.ts';
import { openDatabase, SchemaTooNewError } from './db.ts';
import { MIGRATIONS } from './db.migrations.ts';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-upgrade-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A database file loaded from a frozen SQL dump of an older schema (sqlite3 restores its FTS tables as they were). */
function loadFixture(version: number, extraSql = ''): string {
  const file = path.join(dir, `v${version}-${Math.random().toString(36).slice(2)}.db`);
  execFileSync('sqlite3', [file], { input: fs.readFileSync(path.join(fixtures, `schema-v${version}.sql`), 'utf8') + extraSql });
  return file;
}

const READY = '11111111-1111-4111-8111-111111111111';
const QUEUED = '22222222-2222-4222-8222-222222222222';

describe('upgrades keep data', () => {
  it('keeps a fixture database of every older schema version', () => {
    for (let version = 1; version < MIGRATIONS.length; version++) {
      assert.ok(fs.existsSync(path.join(fixtures, `schema-v${version}.sql`)), `test/fixtures/schema-v${version}.sql (dump a database of that version before adding a migration)`);
    }
  });

  // Every older version (the fixtures above), and the newest one a fixture exists for.
  const versions = fs.readdirSync(fixtures).map((f) => /^schema-v(\d+)\.sql$/.exec(f)?.[1]).filter(Boolean).map(Number).sort((a, b) => a - b);
  for (const version of versions) {
    it(`opens a database of schema version ${version} with the current code, migrates it forward and keeps everything`, async () => {
      const db = openDatabase(loadFixture(version));
      try {
        assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const documents = createDocumentsRepository(db);
        assert.equal(documents.get(READY)?.status, 'ready');
        assert.equal(documents.get(READY)?.chunk_count, 2);
        assert.deepEqual(documents.unfinishedIds('9999'), [QUEUED], 'the queued document is still waiting for its job');
        const chunks = createChunksRepository(db);
        const search = createKeywordSearch(db);
        const keywords = (collectionIds: string[]) => search({ question: 'canteen', collectionIds, limit: 5, maxDocShare: 1 }).map((h) => h.id);
        assert.deepEqual(keywords(['default']), [`${READY}:0`], 'the keyword index still finds the old chunks');
        const messages = db.prepare('SELECT citations FROM messages ORDER BY id').all() as { citations: string }[];
        assert.equal(messages.length, 2);
        assert.equal((JSON.parse(messages[1]!.citations) as { chunkId: string }[])[0]!.chunkId, `${READY}:0`);
        // And it works: new rows go in beside the old ones.
        documents.insertUnlessDuplicate({ id: '33333333-3333-4333-8333-333333333333', collectionId: 'handbook', sha256: 'c'.repeat(64), filename: 'new.md', kind: 'md', sizeBytes: 1, uploadedBy: null });
        await chunks.replaceForDocument('33333333-3333-4333-8333-333333333333', 'handbook', [{ index: 0, page: null, heading: null, text: 'A fresh canteen menu.' }]);
        documents.setStatus('33333333-3333-4333-8333-333333333333', 'ready', { chunkCount: 1 });
        assert.equal(keywords(['default', 'handbook']).length, 2);
      } finally {
        db.close();
      }
    });
  }

  it('runs each migration in a transaction: one that fails leaves the database as it was', () => {
    // A table in the way of migration 2 makes it fail half-way.
    const file = loadFixture(1, "CREATE TABLE api_keys (id TEXT PRIMARY KEY);\n");
    assert.throws(() => openDatabase(file), /table api_keys already exists/);
    const out = execFileSync('sqlite3', [file, "PRAGMA user_version; SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('users', 'refresh_tokens', 'settings');"], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n'), ['1', '0'], 'still version 1, and none of the tables of migration 2 exist');
  });

  it('refuses a database from a newer version of the product, and leaves it alone', () => {
    const file = loadFixture(MIGRATIONS.length >= 2 ? 2 : 1, `PRAGMA user_version = ${MIGRATIONS.length + 1};\n`);
    const before = fs.readFileSync(file);
    assert.throws(() => openDatabase(file), (err: Error) => err instanceof SchemaTooNewError && /schema version \d+, newer than this version of the product knows/.test(err.message));
    assert.deepEqual(fs.readFileSync(file), before);
  });
});
