// Chat retrieval while a long PDF is being ingested, against idle: the real app (api and worker in
// one process, as `npm start` runs it) with the Ollama emulator in its own process. R-intro.pdf is
// ingested first so questions have something to find; then the golden-set questions are asked one
// after another (`retrieval.retrieve`: embedding, from the cache after a first round, and search),
// first with nothing else running, then while refman.pdf is uploaded and ingested. The event
// loop's delay is watched in both phases: its max is the longest time anything held the loop.
//
//   node bench/retrieval-during-ingest.bench.ts [--file refman.pdf] [--time-limit-min 20]
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Services } from '../backend/src/services.ts';
import { upload } from '../backend/test/support/stack.ts';
import { readQuestionFile } from './eval/questions.ts';
import { startAppStack } from './support/app-stack.ts';
import { BENCH_DIR, guardRun, machine, saveResults } from './support/harness.ts';
import { fmt, printTable, say, summarize } from './support/stats.ts';

const MANUALS = '/usr/share/R/doc/manual';
const { values: opts } = parseArgs({
  options: {
    first: { type: 'string', default: `${MANUALS}/R-intro.pdf` },
    file: { type: 'string', default: `${MANUALS}/refman.pdf` },
    'idle-queries': { type: 'string', default: '300' },
    'time-limit-min': { type: 'string', default: '20' },
  },
});
const guard = guardRun('retrieval-during-ingest.bench', Number(opts['time-limit-min']) * 60_000);
guard.run(main);

async function main() {
  for (const f of [opts.first, opts.file]) if (!fs.existsSync(f)) throw new Error(`${f} not found (Debian: apt-get install r-doc-pdf)`);
  const host = machine();
  say(`retrieval during ingestion: node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}`);
  const { app, api } = await startAppStack(guard, 'during-ingest', { ANSWER_CACHE_TTL_S: '0' });

  say(`ingesting ${path.basename(opts.first)} first...`);
  await waitReady(app.services, await uploadFile(api, opts.first));
  const questions = readQuestionFile(path.join(BENCH_DIR, 'eval', 'r-manuals.questions.json')).questions.map((q) => q.question);
  const ask = (i: number) => app.services.retrieval.retrieve(questions[i % questions.length]!, ['default'], app.services.security.settings.get());
  for (let i = 0; i < questions.length; i++) await ask(i); // embeddings cached, as for repeated questions

  const idle = await measure(ask, () => false, Number(opts['idle-queries']));
  say(`uploading ${path.basename(opts.file)} and asking while it is ingested...`);
  const documentId = await uploadFile(api, opts.file);
  let ready = false;
  const done = waitReady(app.services, documentId).then(() => {
    ready = true;
  });
  const during = await measure(ask, () => ready, Infinity);
  await done;

  say();
  say('chat retrieval (embedding from the cache + hybrid search), one question at a time (ms):');
  const row = (label: string, r: Awaited<ReturnType<typeof measure>>) => [label, String(r.latency.n), fmt(r.latency.p50), fmt(r.latency.p95), fmt(r.latency.p99), fmt(r.latency.max), fmt(r.loop.p99), fmt(r.loop.max)];
  printTable([['phase', 'queries', 'p50', 'p95', 'p99', 'max', 'loop delay p99', 'loop delay max'], row('idle', idle), row(`while ${path.basename(opts.file)} is ingested`, during)]);
  const file = saveResults('retrieval-during-ingest', { machine: host, idle, during, ingested: path.basename(opts.file) });
  say(`figures saved to ${path.relative(process.cwd(), file)}`);
}

async function uploadFile(api: { fetch: (p: string, i?: RequestInit) => Promise<Response> }, file: string): Promise<string> {
  const res = await upload(api, [{ name: path.basename(file), bytes: fs.readFileSync(file), type: 'application/pdf' }]);
  const doc = res.body.documents?.[0];
  if (!doc) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return doc.id;
}

async function waitReady(services: Services, documentId: string): Promise<void> {
  for (;;) {
    const doc = services.documentsRepository.get(documentId);
    if (doc?.status === 'ready') return;
    if (doc?.status === 'failed' || !doc) throw new Error(`document ${documentId} did not become ready: ${doc?.status ?? 'deleted'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asks questions one after another until `stop()` or `max` queries, timing each and the event loop. */
async function measure(ask: (i: number) => Promise<unknown>, stop: () => boolean, max: number) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const latencies: number[] = [];
  for (let i = 0; i < max && !stop(); i++) {
    const t0 = performance.now();
    await ask(i);
    latencies.push(performance.now() - t0);
  }
  loop.disable();
  return { latency: summarize(latencies), loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } };
}
