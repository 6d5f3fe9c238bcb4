// Retrieval latency, embedding excluded: `retrieval.search(question, vector, ['default'], k)` over
// a synthetic corpus written through the product's own repositories into Chroma and SQLite FTS5.
//
//   node bench/retrieval.bench.ts [--chunks 100000] [--keep] [--serial 300] [--concurrent 2000]
//                                 [--concurrency 100] [--k 6] [--time-limit-min 90] [--skip-probes]
//                                 [--keyword-max-df 0.2]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ChromaClient } from 'chromadb';
import { chromaCollectionName } from '../backend/src/clients/chroma.ts';
import { startLocalChroma } from '../backend/src/clients/chroma-local.ts';
import { loadConfig } from '../backend/src/config.ts';
import { createLogger } from '../backend/src/logger.ts';
import { createServices, type Services } from '../backend/src/services.ts';
import { embedText } from '../backend/test/support/ollama-emulator.answers.ts';
import { runClosedLoop, type LoadRun } from './support/concurrency.ts';
import { runProbes, type Probe } from './support/retrieval-probes.ts';
import { prng, question, vocabulary } from './support/corpus.ts';
import { BENCH_DIR, REDIS_URL, deleteRedisPrefix, freePort, guardRun, machine, saveResults, tempDir } from './support/harness.ts';
import { COLLECTION, EMBEDDING_DIM, loadCorpus, type CorpusSpec } from './support/retrieval-corpus.ts';
import { fmt, printTable, say, summarize } from './support/stats.ts';
import { timedRetrieval, type StepTimes } from './support/timed-retrieval.ts';

const { values: opts } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    serial: { type: 'string', default: '300' },
    concurrent: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '100' },
    k: { type: 'string', default: '6' },
    'time-limit-min': { type: 'string', default: '90' },
    'skip-probes': { type: 'boolean', default: false },
    // RETRIEVAL_KEYWORD_MAX_DF for this run (the product's default when absent).
    'keyword-max-df': { type: 'string' },
  },
});
const num = (name: keyof typeof opts) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const spec: CorpusSpec = { chunks: num('chunks'), chunksPerDocument: 200, chunkChars: 1000, vocabularySize: 30_000, seed: 20_240_601 };
const serial = num('serial');
const concurrent = num('concurrent');
const concurrency = num('concurrency');
const k = num('k');
const WARMUP = 30;

const guard = guardRun('retrieval.bench', num('time-limit-min') * 60_000);
guard.run(main);

async function main() {
  const host = machine();
  say(`retrieval benchmark: ${spec.chunks} chunks, k=${k}; node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}`);
  const { dir, reuse } = dataDir();
  if (!opts.keep) guard.onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const chroma = await startLocalChroma({ dataDir: path.join(dir, 'chroma'), port: await freePort(), logger: createLogger({ log: { level: 'silent' } }) });
  guard.onCleanup(() => chroma.stop());
  const config = loadConfig({
    DATA_DIR: dir,
    CHROMA_URL: chroma.url,
    CHROMA_PREFIX: 'bench',
    REDIS_URL,
    REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'silent',
    // Never called: the benchmark hands search() vectors it computed itself.
    OLLAMA_HOST: 'http://127.0.0.1:9',
    ...(opts['keyword-max-df'] ? { RETRIEVAL_KEYWORD_MAX_DF: opts['keyword-max-df'] } : {}),
  });
  const services = createServices(config, createLogger(config));
  guard.onCleanup(async () => {
    if (!opts.keep) await services.vectors.dropAll();
    await deleteRedisPrefix(services.redis, config.redis.prefix);
    await services.close();
  });

  const load = reuse ? undefined : await loadAndReport(services);
  if (opts.keep) fs.writeFileSync(markerPath(dir), JSON.stringify(spec));
  const stored = await countStored(services, chroma.url);
  say(`stored: ${stored.sqliteChunks} chunks in SQLite, ${stored.ftsRows} FTS rows, ${stored.chromaVectors} vectors in Chroma${reuse ? ` (reused ${dir})` : ''}`);
  if (stored.chromaVectors !== spec.chunks || stored.sqliteChunks !== spec.chunks) throw new Error('stored counts differ from --chunks');

  const questions = makeQuestions(WARMUP + serial + concurrent);
  const model = services.security.settings.get().embedModel;
  const search = (i: number) => services.retrieval.search(questions[i]!.text, questions[i]!.vector, [COLLECTION], k, model);
  await runClosedLoop(WARMUP, 1, search);
  const loop1 = watchEventLoop();
  const c1 = await runClosedLoop(serial, 1, (i) => search(WARMUP + i));
  const blocked1 = loop1.stop();
  const loopN = watchEventLoop();
  const cN = await runClosedLoop(concurrent, concurrency, (i) => search(WARMUP + serial + i));
  const blockedN = loopN.stop();

  const timed = timedRetrieval(services);
  const timedSearch = (i: number) => timed.search(questions[i]!.text, questions[i]!.vector, [COLLECTION], k, model);
  await runClosedLoop(serial, 1, (i) => timedSearch(WARMUP + i));
  const steps1 = timed.take();
  // Means are what the breakdown needs: a few rounds of `concurrency` calls are enough.
  await runClosedLoop(Math.min(concurrent, concurrency * 5), concurrency, (i) => timedSearch(WARMUP + serial + i));
  const stepsN = timed.take();
  report(c1, cN, steps1, stepsN);
  say();
  say(`event loop delay while searching (ms): c=1 p99 ${fmt(blocked1.p99)} max ${fmt(blocked1.max)}; c=${concurrency} p99 ${fmt(blockedN.p99)} max ${fmt(blockedN.max)}`);

  const probes = opts['skip-probes'] ? [] : await runProbes(services, stored.collection, questions.slice(WARMUP), { k, serial: Math.min(serial, 100), concurrent: Math.min(concurrent, 500), concurrency });
  reportProbes(probes);
  const chromaAlone = probes.find((p) => p.concurrency === concurrency && p.label.startsWith('Chroma query, no filter'));
  const productQps = describe(cN, concurrency).throughputQps;
  if (chromaAlone) say(`\nthroughput at concurrency ${concurrency}: product ${fmt(productQps, 0)} queries/s, Chroma alone ${fmt(chromaAlone.qps, 0)} queries/s, ratio ${fmt(productQps / chromaAlone.qps, 2)}`);
  const file = saveResults('retrieval', {
    machine: host,
    spec,
    k,
    load,
    stored: { ...stored, collection: undefined },
    latency: { c1: describe(c1, 1), [`c${concurrency}`]: describe(cN, concurrency) },
    eventLoopDelayMs: { c1: blocked1, [`c${concurrency}`]: blockedN },
    throughputRatioToChromaAlone: chromaAlone ? productQps / chromaAlone.qps : null,
    breakdown: { c1: breakdown(steps1), [`c${concurrency}`]: breakdown(stepsN) },
    probes,
  });
  say(`figures saved to ${path.relative(process.cwd(), file)}`);
}

async function loadAndReport(services: Services) {
  say(`loading ${spec.chunks} chunks (${spec.chunks / spec.chunksPerDocument} documents) into Chroma and SQLite FTS...`);
  let lastPrint = 0;
  const load = await loadCorpus(services, spec, (done) => {
    if (done - lastPrint >= 10_000 || done === spec.chunks) {
      lastPrint = done;
      process.stdout.write(`  ${done} chunks\r`);
    }
  });
  const s = load.ms.total / 1000;
  say(`loaded in ${fmt(s)} s (${fmt(spec.chunks / s, 0)} chunks/s; ${fmt(load.textBytes / spec.chunks, 0)} bytes a chunk)`);
  say(`  generate text ${fmt(load.ms.generate / 1000)} s, hash embeddings ${fmt(load.ms.embed / 1000)} s, SQLite+FTS ${fmt(load.ms.sqlite / 1000)} s, waiting on Chroma ${fmt(load.ms.chromaWait / 1000)} s`);
  return load;
}

/** Where the corpus lives: a temp dir, or bench/.data/ with --keep (reused when it matches). */
function dataDir(): { dir: string; reuse: boolean } {
  if (!opts.keep) return { dir: tempDir('retrieval'), reuse: false };
  const dir = path.join(BENCH_DIR, '.data', `retrieval-${spec.chunks}`);
  const marker = markerPath(dir);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === JSON.stringify(spec)) return { dir, reuse: true };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return { dir, reuse: false };
}

function markerPath(dir: string): string {
  return path.join(dir, 'corpus.json');
}

async function countStored(services: Services, chromaUrl: string) {
  const count = (sql: string) => (services.db.prepare(sql).get() as { n: number }).n;
  const u = new URL(chromaUrl);
  const client = new ChromaClient({ host: u.hostname, port: Number(u.port), ssl: false });
  const name = chromaCollectionName(services.config.chroma.prefix, services.security.settings.get().embedModel, EMBEDDING_DIM, 'default');
  const collection = await client.getCollection({ name });
  return {
    sqliteChunks: count("SELECT COUNT(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id AND d.status = 'ready'"),
    ftsRows: count('SELECT COUNT(*) AS n FROM chunks_fts'),
    chromaVectors: await collection.count(),
    collection,
  };
}

/** Distinct questions drawn from the corpus vocabulary, with their vectors computed up front. */
function makeQuestions(n: number) {
  const v = vocabulary(spec.vocabularySize, spec.seed);
  const rand = prng(spec.seed + 2);
  return Array.from({ length: n }, () => {
    const text = question(v, rand);
    return { text, vector: embedText(text, EMBEDDING_DIM) };
  });
}

/** The event loop's delay while a run goes on: its max is the longest time anything held the loop. */
function watchEventLoop() {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    stop() {
      h.disable();
      return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
    },
  };
}

function describe(run: LoadRun, c: number) {
  return { concurrency: c, ...summarize(run.latencies), throughputQps: (run.latencies.length / run.wallMs) * 1000, errors: run.errors, firstError: run.firstError };
}

function breakdown(steps: StepTimes) {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    chromaQuery: summarize(steps.chromaQuery),
    ftsSearch: summarize(steps.ftsSearch),
    rowFetch: summarize(steps.rowFetch),
    meanVectorHitsWithinMaxDistance: mean(steps.vectorHits),
    meanKeywordHits: mean(steps.keywordHits),
  };
}

function report(c1: LoadRun, cN: LoadRun, steps1: StepTimes, stepsN: StepTimes) {
  say();
  say('search latency, embedding excluded (ms):');
  const row = (run: LoadRun, c: number) => {
    const d = describe(run, c);
    return [String(c), String(d.n), fmt(d.p50), fmt(d.p95), fmt(d.p99), fmt(d.max), fmt(d.throughputQps, 0), String(d.errors)];
  };
  printTable([['concurrency', 'queries', 'p50', 'p95', 'p99', 'max', 'queries/s', 'errors'], row(c1, 1), row(cN, concurrency)]);
  for (const run of [c1, cN]) if (run.firstError) say(`  first error: ${run.firstError}`);
  say();
  say('where the time goes (ms per call; at concurrency > 1 an await also counts time queued behind other work):');
  const line = (label: string, c: number, xs: number[]) => {
    const s = summarize(xs);
    return [label, String(c), fmt(s.mean), fmt(s.p50), fmt(s.p95), fmt(s.p99)];
  };
  printTable([
    ['step', 'concurrency', 'mean', 'p50', 'p95', 'p99'],
    line('Chroma query (HTTP)', 1, steps1.chromaQuery),
    line('Keyword search (thread)', 1, steps1.ftsSearch),
    line('SQLite row fetch (sync)', 1, steps1.rowFetch),
    line('Chroma query (HTTP)', concurrency, stepsN.chromaQuery),
    line('Keyword search (thread)', concurrency, stepsN.ftsSearch),
    line('SQLite row fetch (sync)', concurrency, stepsN.rowFetch),
  ]);
  const b = breakdown(steps1);
  say(`  per query: ${fmt(b.meanVectorHitsWithinMaxDistance)} vector hits within max distance, ${fmt(b.meanKeywordHits)} keyword hits (of ${Math.max(k * 4, 20)} asked)`);
}

function reportProbes(probes: Probe[]) {
  if (probes.length === 0) return;
  say();
  say('what-if probes (not the product path; they show what each step costs and what a change would buy):');
  printTable([
    ['probe', 'concurrency', 'p50', 'p95', 'queries/s'],
    ...probes.map((p) => [p.label, String(p.concurrency), fmt(p.latency.p50), fmt(p.latency.p95), fmt(p.qps, 0)]),
  ]);
}
