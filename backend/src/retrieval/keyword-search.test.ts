import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '../clients/db.ts';
import { createDocumentsRepository } from '../documents/documents.repository.ts';
import { createChunksRepository } from './chunks.repository.ts';
import { createKeywordSearcher, type KeywordSearcher } from './keyword-pool.ts';
import { createKeywordSearch } from './keyword-search.ts';

const DOC = '00000000-0000-4000-8000-000000000001';
// Every chunk says "pump"; "impeller" is in one chunk in ten; "cavitation" in one chunk only.
const TEXTS = Array.from({ length: 100 }, (_, i) =>
  [`Pump record ${i}: the pump was checked.`, i % 10 === 0 ? 'The impeller blades were worn.' : '', i === 42 ? 'Cavitation noise was heard at the inlet.' : ''].join(' '),
);

describe('keyword search', () => {
  let dir: string;
  let db: Db;
  let file: string;
  let pool: KeywordSearcher;
  const query = (question: string, maxDocShare = 0.2) => ({ question, collectionIds: ['default'], limit: 20, maxDocShare });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-keywords-'));
    file = path.join(dir, 'app.db');
    db = openDatabase(file);
    const documents = createDocumentsRepository(db);
    documents.insertUnlessDuplicate({ id: DOC, collectionId: 'default', sha256: 'a'.repeat(64), filename: 'pumps.pdf', kind: 'pdf', sizeBytes: 1, uploadedBy: null });
    await createChunksRepository(db).replaceForDocument(DOC, 'default', TEXTS.map((text, index) => ({ index, text, page: index + 1, heading: null })));
    documents.setStatus(DOC, 'ready', { stage: null, progress: 100, pageCount: 100, chunkCount: 100, embeddingModel: 'm', error: null });
    pool = createKeywordSearcher(db, file, 2);
  });
  after(async () => {
    await pool.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers from worker threads exactly as on the calling connection', async () => {
    const inline = createKeywordSearch(db);
    for (const question of ['impeller blades worn', 'Was cavitation heard at the pump inlet?', 'pump']) {
      const fromThreads = await Promise.all([pool.search(query(question)), pool.search(query(question)), pool.search(query(question))]);
      for (const hits of fromThreads) assert.deepEqual(hits, inline(query(question)));
    }
  });

  it('leaves out words found in more chunks than the share allows, stemming as FTS5 does', async () => {
    // "pumps" stems to "pump", which is in every chunk: only "cavitation" is searched for.
    assert.deepEqual((await pool.search(query('pumps with cavitation'))).map((h) => h.id), [`${DOC}:42`]);
    // Allowed every word, the common one matches everything.
    assert.equal((await pool.search(query('pumps with cavitation', 1))).length, 20);
    // "impeller" is in 10% of chunks: kept at 20% (10 chunks and chunk 42), left out at 5%.
    assert.equal((await pool.search(query('impeller cavitation', 0.2))).length, 11);
    assert.deepEqual((await pool.search(query('impeller cavitation', 0.05))).map((h) => h.id), [`${DOC}:42`]);
  });

  it('keeps the rarest words when every word is common, and finds nothing for unknown words', async () => {
    assert.equal((await pool.search(query('pump records'))).length, 20);
    assert.deepEqual(await pool.search(query('turbine')), []);
    assert.deepEqual(await pool.search(query('the of and')), []);
  });
});
