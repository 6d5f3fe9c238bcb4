// What-if measurements next to the product's own search: the same Chroma query without its
// metadata filter, and the FTS5 ranking without its joins. They show what each step costs and
// what a change would buy; the headline figures never use them.
import type { Collection } from 'chromadb';
import { createKeywordSearch, matchExpression } from '../../backend/src/retrieval/keyword-search.ts';
import { contentWords } from '../../backend/src/retrieval/keywords.ts';
import type { Services } from '../../backend/src/services.ts';
import { runClosedLoop } from './concurrency.ts';
import { summarize, type Summary } from './stats.ts';

export interface Probe {
  label: string;
  concurrency: number;
  latency: Summary;
  qps: number;
}

interface Question {
  text: string;
  vector: number[];
}

/** Chroma with and without a `where: { collectionId }` filter, and FTS5 as the product runs it and without joins. */
export async function runProbes(services: Services, collection: Collection, questions: Question[], opts: { k: number; serial: number; concurrent: number; concurrency: number }) {
  const candidates = Math.max(opts.k * 4, 20);
  const probes: Probe[] = [];
  const probe = async (label: string, n: number, c: number, fn: (q: Question) => unknown) => {
    const run = await runClosedLoop(n, c, async (i) => fn(questions[i % questions.length]!));
    probes.push({ label, concurrency: c, latency: summarize(run.latencies), qps: (run.latencies.length / run.wallMs) * 1000 });
  };
  const chroma = (where: boolean) => (q: Question) =>
    collection.query({ queryEmbeddings: [q.vector], nResults: candidates, include: ['metadatas', 'distances'], ...(where ? { where: { collectionId: 'default' } } : {}) });
  await probe('Chroma query with a where collectionId filter (the earlier design)', opts.serial, 1, chroma(true));
  await probe('Chroma query, no filter (as the product: one collection per knowledge base)', opts.serial, 1, chroma(false));
  await probe('Chroma query, no filter (as the product)', opts.concurrent, opts.concurrency, chroma(false));

  const ftsOnly = services.db.prepare<[string, number]>('SELECT rowid, bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?');
  const maxDocShare = services.config.retrieval.keywordMaxDocShare;
  const query = (q: Question, share = maxDocShare) => ({ question: q.text, collectionIds: ['default'], limit: candidates, maxDocShare: share });
  await probe('Keyword search as the product (worker threads, common words pruned)', opts.serial, 1, (q) => services.keywords.search(query(q)));
  await probe('Keyword search as the product (worker threads, common words pruned)', opts.concurrent, opts.concurrency, (q) => services.keywords.search(query(q)));
  const onLoop = createKeywordSearch(services.db);
  await probe('Keyword search on the event loop, common words pruned', opts.serial, 1, (q) => onLoop(query(q)));
  await probe('Keyword search on the event loop, every word (the earlier design)', opts.serial, 1, (q) => onLoop(query(q, 1)));
  await probe('FTS5 ranking alone, every word, no joins', opts.serial, 1, (q) => ftsOnly.all(matchExpression(contentWords(q.text)), candidates));
  return probes;
}
