import type { Db } from '../clients/db.ts';
import { contentWords } from './keywords.ts';

export interface KeywordHit {
  id: string;
  /** bm25() score: lower is better. */
  score: number;
}

export interface KeywordQuery {
  question: string;
  collectionIds: string[];
  /** When given, only chunks of these documents. */
  documentIds?: string[];
  limit: number;
  /**
   * Words found in more than this share of all chunks are left out of the query (BM25 gives
   * them little weight anyway, and each one makes FTS5 score a large part of the corpus).
   * When every word is that common, the rarest few are kept.
   */
  maxDocShare: number;
}

/** Words kept when every word of the question is common. */
const KEEP_WHEN_ALL_COMMON = 2;
/** How long the chunk count used for document frequencies is reused. */
const TOTAL_TTL_MS = 5000;

/**
 * BM25 keyword search on one SQLite connection (the api's own, or a read-only one in a worker
 * thread). The question's content words are stemmed by FTS5's own tokenizer in a TEMP table, their
 * document frequencies read from an fts5vocab table, the common ones pruned, and the rest OR-ed.
 * FTS5 ranks first; only the best matches are joined and filtered to ready documents of the
 * collections, with the whole match set filtered when too few of them pass.
 */
export function createKeywordSearch(db: Db) {
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_words USING fts5(word, tokenize='porter unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms USING fts5vocab(temp, query_words, instance);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_terms USING fts5vocab(main, chunks_fts, row);
  `);
  const clearWords = db.prepare('DELETE FROM temp.query_words');
  const addWord = db.prepare<[number, string]>('INSERT INTO temp.query_words (rowid, word) VALUES (?, ?)');
  const stems = db.prepare<[], { term: string; doc: number }>('SELECT term, doc FROM temp.query_terms');
  const docFrequency = db.prepare<[string], { doc: number }>('SELECT doc FROM temp.chunk_terms WHERE term = ?');
  const countChunks = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM chunks');
  let total = { n: 0, at: -Infinity };
  const ranked = new Map<string, ReturnType<typeof db.prepare<unknown[], KeywordHit>>>();

  /** The question's words worth searching for, rarest first. */
  function queryWords(question: string, maxDocShare: number): string[] {
    const words = contentWords(question);
    if (words.length === 0) return [];
    const byStem = db.transaction(() => {
      clearWords.run();
      words.forEach((w, i) => addWord.run(i + 1, w));
      return stems.all();
    })();
    const now = performance.now();
    if (now - total.at > TOTAL_TTL_MS) total = { n: countChunks.get()!.n, at: now };
    const seen = new Map<string, { word: string; df: number }>();
    for (const { term, doc } of byStem) {
      if (seen.has(term)) continue;
      const df = docFrequency.get(term)?.doc ?? 0;
      if (df > 0) seen.set(term, { word: words[doc - 1]!, df });
    }
    const found = [...seen.values()].sort((a, b) => a.df - b.df);
    const rare = found.filter((w) => w.df <= maxDocShare * total.n);
    return (rare.length > 0 ? rare : found.slice(0, KEEP_WHEN_ALL_COMMON)).map((w) => w.word);
  }

  function statement(collections: number, documents: number, window: number | null) {
    const key = `${collections}:${documents}:${window}`;
    let stmt = ranked.get(key);
    if (!stmt) {
      const marks = Array.from({ length: collections }, () => '?').join(',');
      const documentMarks = Array.from({ length: documents }, () => '?').join(',');
      stmt = db.prepare<unknown[], KeywordHit>(
        `SELECT c.id AS id, f.score AS score
           FROM (SELECT rowid, bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score ${window === null ? '' : `LIMIT ${window}`}) f
           JOIN chunks c ON c.rowid = f.rowid
           JOIN documents d ON d.id = c.document_id AND d.status = 'ready'
          WHERE c.collection_id IN (${marks})${documents > 0 ? ` AND c.document_id IN (${documentMarks})` : ''}
          ORDER BY f.score LIMIT ?`,
      );
      ranked.set(key, stmt);
    }
    return stmt;
  }

  return function search({ question, collectionIds, documentIds, limit, maxDocShare }: KeywordQuery): KeywordHit[] {
    if (collectionIds.length === 0 || documentIds?.length === 0 || limit < 1) return [];
    const documents = documentIds ?? [];
    const words = queryWords(question, maxDocShare);
    if (words.length === 0) return [];
    const match = matchExpression(words);
    const window = Math.max(limit * 10, 200);
    const hits = statement(collectionIds.length, documents.length, window).all(match, ...collectionIds, ...documents, limit);
    return hits.length >= limit ? hits : statement(collectionIds.length, documents.length, null).all(match, ...collectionIds, ...documents, limit);
  };
}

export type KeywordSearch = ReturnType<typeof createKeywordSearch>;

/** An FTS5 MATCH expression that ORs the words, each quoted so no FTS5 syntax in a question leaks in. */
export function matchExpression(words: string[]): string {
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' OR ');
}
