// Retrieval evaluation: ingests the documents of a question file through the product's own
// ingestion code, asks every question, and scores where the answer was found (hit@1, hit@k, MRR)
// and whether the snippet shown for the right source contains the answer, for the vector leg
// alone, the keyword leg alone and each fusion setting.
//
//   npm run eval [-- --questions file.json] [--k 6] [--json out.json] [--verbose]
//
// Ollama: the emulator (started here) unless OLLAMA_HOST is set, e.g.
//   OLLAMA_HOST=http://127.0.0.1:11434 OLLAMA_EMBED_MODEL=nomic-embed-text npm run eval
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { snippetFor } from '../../backend/src/chat/snippet.ts';
import { startLocalChroma } from '../../backend/src/clients/chroma-local.ts';
import { loadConfig } from '../../backend/src/config.ts';
import type { DocumentKind } from '../../backend/src/ingest/parse/parse.types.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { createRetrievalService, type RetrievalOptions } from '../../backend/src/retrieval/retrieval.service.ts';
import { createServices, type Services } from '../../backend/src/services.ts';
import { startEmulatorProcess } from '../support/emulator-process.ts';
import { BENCH_DIR, REDIS_URL, deleteRedisPrefix, freePort, guardRun, machine, saveResults, tempDir } from '../support/harness.ts';
import { fmt, printTable, say } from '../support/stats.ts';
import { judge, score, type QuestionResult, type Scores } from './metrics.ts';
import { readQuestionFile, type Question } from './questions.ts';

const { values: opts } = parseArgs({
  options: {
    questions: { type: 'string', default: path.join(BENCH_DIR, 'eval', 'r-manuals.questions.json') },
    k: { type: 'string' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    // Writes each question's raw vector and keyword rankings (50 deep) to this file, for studying fusion.
    'dump-legs': { type: 'string' },
    'time-limit-min': { type: 'string', default: '20' },
  },
});

interface Setting {
  label: string;
  options: Partial<RetrievalOptions>;
  isDefault?: boolean;
}

const guard = guardRun('eval', Number(opts['time-limit-min']) * 60_000);
guard.run(main);

async function main() {
  const file = readQuestionFile(opts.questions);
  for (const d of file.documents) if (!fs.existsSync(d)) throw new Error(`${d} not found${d.includes('/R/doc/manual/') ? ' (Debian: apt-get install r-doc-pdf)' : ''}`);
  const host = machine();
  const started = performance.now();
  const realOllama = process.env.OLLAMA_HOST;
  say(`retrieval evaluation: ${file.name}, ${file.questions.length} questions over ${file.documents.length} documents; node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}`);

  const ollamaHost = realOllama ?? (await startEmulator());
  const dir = tempDir('eval');
  guard.onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const chroma = await startLocalChroma({ dataDir: path.join(dir, 'chroma'), port: await freePort(), logger: createLogger({ log: { level: 'silent' } }) });
  guard.onCleanup(() => chroma.stop());
  const id = randomUUID().slice(0, 8);
  // The environment's settings (models, chunking, retrieval) apply, so an admin can compare them.
  const config = loadConfig({ ...process.env, DATA_DIR: dir, CHROMA_URL: chroma.url, CHROMA_PREFIX: `eval-${id}`, REDIS_URL, REDIS_PREFIX: `eval-${id}`, LOG_LEVEL: 'silent', OLLAMA_HOST: ollamaHost });
  const services = createServices(config, createLogger(config));
  guard.onCleanup(async () => {
    await services.vectors.dropAll();
    await deleteRedisPrefix(services.redis, config.redis.prefix);
    await services.close();
  });
  const k = opts.k ? Number(opts.k) : services.security.settings.get().topK;
  if (!Number.isInteger(k) || k < 1) throw new Error('--k must be a positive integer');

  say(`ingesting with ${realOllama ? `Ollama at ${realOllama}` : 'the Ollama emulator'} (embedding model ${services.security.settings.get().embedModel})...`);
  const ingested = await Promise.all(file.documents.map((d) => ingest(services, d)));
  for (const d of ingested) say(`  ${d.filename}: ${d.pages} pages, ${d.chunks} chunks, ${fmt(d.seconds)} s`);

  const model = services.security.settings.get().embedModel;
  const vectors = await services.embedder.embed(file.questions.map((q) => q.question), model);
  if (opts['dump-legs']) await dumpLegs(services, file.questions, vectors, model, opts['dump-legs']);
  const settings = settingsToCompare(config.retrieval);
  const rows: { setting: Setting; scores: Scores; results: QuestionResult[] }[] = [];
  for (const setting of settings) {
    const retrieval = createRetrievalService({ config, embedder: services.embedder, vectors: services.vectors, chunks: services.chunks, keywords: services.keywords, metrics: services.metrics, options: setting.options });
    const results: QuestionResult[] = [];
    for (const [i, q] of file.questions.entries()) {
      const found = await retrieval.search(q.question, vectors[i]!, ['default'], k, model);
      const result = judge(q, found.map((s) => ({ filename: s.filename, page: s.page, snippet: snippetFor(s.text, q.question) })));
      // The default setting's sources go into the JSON, so a miss can be looked into.
      results.push(setting.isDefault ? { ...result, sources: found.map((s) => ({ filename: s.filename, page: s.page, text: s.text })) } : result);
      if (opts.verbose && setting.isDefault) printQuestion(q, result, found.map((s) => `${s.filename}:${s.page}`), found.length > 0 ? snippetFor(found[(result.rank ?? 1) - 1]!.text, q.question) : '');
    }
    rows.push({ setting, scores: score(results), results });
  }

  say();
  say(`k = ${k}; a source is right when it is the expected document at one of the expected pages. "snippet" is, of the questions with a right source in the top k, the share whose snippet for it contains the answer.`);
  const pct = (x: number) => `${fmt(100 * x, 1)}%`;
  printTable([
    ['setting', 'hit@1', `hit@${k}`, 'MRR', 'snippet', 'answered'],
    ...rows.map(({ setting, scores: s }) => [setting.label + (setting.isDefault ? '  <- default' : ''), pct(s.hitAt1), pct(s.hitAtK), fmt(s.mrr, 3), pct(s.snippetShowsAnswer), `${s.answered}/${s.questions}`]),
  ]);
  const seconds = (performance.now() - started) / 1000;
  say(`\nfinished in ${fmt(seconds)} s`);
  const out = {
    name: file.name,
    machine: host,
    ollama: realOllama ? { host: realOllama, embedModel: model } : { emulator: true, embedModel: model },
    k,
    documents: ingested,
    settings: rows.map(({ setting, scores: s, results }) => ({ label: setting.label, default: setting.isDefault ?? false, options: setting.options, scores: s, questions: results })),
    seconds,
  };
  const saved = opts.json ? (fs.writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`), opts.json) : saveResults('eval', out);
  say(`figures saved to ${path.relative(process.cwd(), saved)}`);
}

/** Each leg's own ranking, 50 deep, with whether each hit is a right source. */
async function dumpLegs(services: Services, questions: Question[], vectors: number[][], model: string, file: string) {
  const depth = 50;
  const out = [];
  for (const [i, q] of questions.entries()) {
    const [v, kw] = await Promise.all([
      services.vectors.queryChunks(model, ['default'], vectors[i]!, depth),
      services.keywords.search({ question: q.question, collectionIds: ['default'], limit: depth, maxDocShare: services.config.retrieval.keywordMaxDocShare }),
    ]);
    const rows = new Map(services.chunks.getReady([...v.map((h) => h.id), ...kw.map((h) => h.id)]).map((r) => [r.id, r]));
    const right = (id: string) => {
      const r = rows.get(id);
      return r !== undefined && r.filename === q.document && (q.pages.length === 0 || (r.page !== null && q.pages.includes(r.page)));
    };
    out.push({ id: q.id, vector: v.map((h) => ({ id: h.id, distance: h.distance, right: right(h.id) })), keyword: kw.map((h) => ({ id: h.id, score: h.score, right: right(h.id) })) });
  }
  fs.writeFileSync(file, JSON.stringify(out));
}

async function startEmulator(): Promise<string> {
  const emulator = await startEmulatorProcess();
  guard.onCleanup(() => emulator.stop());
  return emulator.url;
}

/** Ingests one file exactly as the worker would: stored by content, a document row, then the ingest job's own code. */
async function ingest(services: Services, file: string) {
  const t0 = performance.now();
  const temp = await services.files.writeTemp(fs.createReadStream(file));
  await services.files.commit(temp);
  const documentId = randomUUID();
  const filename = path.basename(file);
  services.documentsRepository.insertUnlessDuplicate({ id: documentId, collectionId: 'default', sha256: temp.sha256, filename, kind: kindOf(filename), sizeBytes: temp.size, uploadedBy: null });
  const job = { id: documentId, data: { documentId }, updateProgress: async () => undefined } as unknown as Job<{ documentId: string }>;
  await services.ingest(job);
  const doc = services.documentsRepository.get(documentId);
  if (doc?.status !== 'ready') throw new Error(`${filename} did not become ready: ${doc?.status ?? "deleted"}`);
  return { filename, pages: doc.page_count, chunks: doc.chunk_count, seconds: (performance.now() - t0) / 1000 };
}

function kindOf(filename: string): DocumentKind {
  const ext = path.extname(filename).slice(1).toLowerCase();
  const kinds: Record<string, DocumentKind> = { pdf: 'pdf', docx: 'docx', txt: 'txt', md: 'md', markdown: 'md', html: 'html', htm: 'html' };
  const kind = kinds[ext];
  if (!kind) throw new Error(`${filename}: not a kind of document the product ingests`);
  return kind;
}

/** The legs alone, the configured fusion, and a grid of fusion settings around it. */
function settingsToCompare(r: { fusion: 'rrf' | 'weighted'; rrfK: number; vectorWeight: number; keywordMaxDocShare: number }): Setting[] {
  const list: Setting[] = [
    { label: 'vector only', options: { legs: 'vector' } },
    { label: 'keyword only', options: { legs: 'keyword' } },
  ];
  const grid: Setting[] = [];
  for (const rrfK of [2, 5, 10, 20, 60]) for (const w of [0.1, 0.2, 0.3, 0.4, 0.5, 0.7]) grid.push({ label: `hybrid rrf k=${rrfK} w=${w}`, options: { legs: 'hybrid', fusion: 'rrf', rrfK, vectorWeight: w } });
  for (const w of [0.1, 0.2, 0.3, 0.4, 0.5, 0.7]) grid.push({ label: `hybrid weighted w=${w}`, options: { legs: 'hybrid', fusion: 'weighted', vectorWeight: w } });
  const isConfigured = (s: Setting) => s.options.fusion === r.fusion && s.options.vectorWeight === r.vectorWeight && (r.fusion === 'weighted' || s.options.rrfK === r.rrfK);
  const configured = grid.find(isConfigured);
  if (configured) configured.isDefault = true;
  else list.push({ label: `hybrid ${r.fusion}${r.fusion === 'rrf' ? ` k=${r.rrfK}` : ''} w=${r.vectorWeight}`, options: { legs: 'hybrid' }, isDefault: true });
  list.push(...grid);
  for (const share of [0.02, 0.05, 0.1, 0.2, 1]) {
    if (share === r.keywordMaxDocShare) continue;
    const words = share === 1 ? 'every word' : `words in <= ${share * 100}% of chunks`;
    list.push({ label: `keyword only, ${words}`, options: { legs: 'keyword', keywordMaxDocShare: share } });
    list.push({ label: `configured hybrid, ${words}`, options: { legs: 'hybrid', keywordMaxDocShare: share } });
  }
  return list;
}

function printQuestion(q: Question, result: QuestionResult, sources: string[], snippet: string) {
  say(`${q.id}: rank ${result.rank ?? '-'}, snippet ${result.snippetShowsAnswer === null ? '-' : result.snippetShowsAnswer ? 'yes' : 'NO'}; expected ${q.document}:${q.pages.join(',')}; got ${sources.join(' ')}`);
  if (result.snippetShowsAnswer === false) say(`    answer ${JSON.stringify(q.answer)} not in: ${snippet}`);
}
