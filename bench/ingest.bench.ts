// Ingestion throughput and memory on real PDFs: the real app (api and worker in one process, as
// `npm start` runs it, local Chroma included) with the Ollama emulator answering embeddings at
// once from its own process, so the figures are the stack's own cost.
//
//   node bench/ingest.bench.ts [--files a.pdf,b.pdf] [--time-limit-min 30] [--log-level silent]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Services } from '../backend/src/services.ts';
import { upload } from '../backend/test/support/stack.ts';
import { startAppStack } from './support/app-stack.ts';
import { guardRun, machine, saveResults } from './support/harness.ts';
import { timeServiceCalls, watchDocuments, type Api, type CallTotals, type Timeline } from './support/ingest-probe.ts';
import { childPids, rssOf, startMemorySampler, type MemorySample } from './support/memory.ts';
import { fmt, mb, printTable, say } from './support/stats.ts';

const MANUALS = '/usr/share/R/doc/manual';
const { values: opts } = parseArgs({
  options: {
    files: { type: 'string', default: `${MANUALS}/R-intro.pdf,${MANUALS}/refman.pdf` },
    'time-limit-min': { type: 'string', default: '30' },
    'log-level': { type: 'string', default: 'silent' },
  },
});
const files = opts.files.split(',').filter(Boolean);
const guard = guardRun('ingest.bench', Number(opts['time-limit-min']) * 60_000);
guard.run(main);

interface FileResult {
  file: string;
  pages: number;
  chunks: number;
  wallS: number;
  /** Until the upload request answered (the job may already be running by then). */
  uploadResponseMs: number;
  phasesMs: Record<string, number>;
  calls: Record<string, CallTotals>;
  memory: { baselineRssMb: number; peakRssMb: number; growthMb: number; afterRssMb: number; peakHeapUsedMb: number; peakParserRssMb: number; peakRssWhileParsingMb: number; chromaRssBeforeMb: number | null; chromaPeakRssMb: number | null };
  stored: { chroma: number; fts: number };
}

async function main() {
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`${f} not found (Debian: apt-get install r-doc-pdf)`);
  const host = machine();
  say(`ingest benchmark: node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}`);
  const { app, config, api } = await startAppStack(guard, 'ingest', { LOG_LEVEL: opts['log-level'] });
  const chromaPid = childPids('chromadb')[0];
  const memory = startMemorySampler(100, chromaPid);
  await new Promise((r) => setTimeout(r, 1000)); // let start-up settle before the first baseline
  guard.onCleanup(() => memory.stop());
  const watcher = await watchDocuments(api);
  guard.onCleanup(() => watcher.close());
  const calls = timeServiceCalls(app.services);

  const results: FileResult[] = [];
  for (const file of files) {
    say(`uploading ${path.basename(file)} (${fmt(mb(fs.statSync(file).size))} MB)...`);
    results.push(await ingestOne(file, api, app.services, watcher, memory, calls, chromaPid));
  }
  report(results);
  const saved = saveResults('ingest', { machine: host, config: { chunkSize: config.ingest.chunkSize, chunkOverlap: config.ingest.chunkOverlap, embedBatchSize: config.ollama.embedBatchSize, concurrency: config.ingest.concurrency }, results });
  say(`figures saved to ${path.relative(process.cwd(), saved)}`);
}

async function ingestOne(
  file: string,
  api: Api,
  services: Services,
  watcher: Awaited<ReturnType<typeof watchDocuments>>,
  memory: ReturnType<typeof startMemorySampler>,
  calls: ReturnType<typeof timeServiceCalls>,
  chromaPid: number | undefined,
): Promise<FileResult> {
  calls.take();
  const baseline = { rss: process.memoryUsage().rss, otherRss: chromaPid ? rssOf(chromaPid) : null };
  const t0 = performance.now();
  const res = await upload(api, [{ name: path.basename(file), bytes: fs.readFileSync(file), type: 'application/pdf' }]);
  const tUploaded = performance.now();
  const doc = res.body.documents?.[0];
  if (res.status !== 202 && res.status !== 200) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (!doc) throw new Error('upload returned no document');
  const timeline = await watcher.settled(doc.id, 20 * 60_000);
  if (timeline.failed) throw new Error(`${path.basename(file)} failed: ${JSON.stringify(timeline.failed.doc.error)}`);
  const ready = timeline.ready!;
  await new Promise((r) => setTimeout(r, 300)); // one more memory sample after ready
  const during = memory.between(t0, ready.t);
  const phases = phaseTimes(t0, timeline);
  const parsing = memory.between(phases.parseStart, phases.parseEnd);
  const peak = (xs: MemorySample[], f: (s: MemorySample) => number | null) => Math.max(0, ...xs.map((s) => f(s) ?? 0));
  const pages = ready.doc.pageCount ?? 0;
  const chunks = ready.doc.chunkCount ?? 0;
  return {
    file: path.basename(file),
    pages,
    chunks,
    wallS: (ready.t - t0) / 1000,
    uploadResponseMs: tUploaded - t0,
    phasesMs: phases.ms,
    calls: Object.fromEntries(calls.take()),
    memory: {
      baselineRssMb: mb(baseline.rss),
      peakRssMb: mb(peak(during, (s) => s.rss)),
      growthMb: mb(peak(during, (s) => s.rss) - baseline.rss),
      afterRssMb: mb(memory.samples.at(-1)!.rss),
      peakHeapUsedMb: mb(peak(during, (s) => s.heapUsed)),
      peakParserRssMb: mb(peak(during, (s) => s.parserRss)),
      peakRssWhileParsingMb: mb(peak(parsing, (s) => s.rss)),
      chromaRssBeforeMb: baseline.otherRss === null ? null : mb(baseline.otherRss),
      chromaPeakRssMb: chromaPid ? mb(peak(during, (s) => s.otherRss)) : null,
    },
    stored: { chroma: await services.vectors.countForDocument(doc.id), fts: services.chunks.ftsCountForDocument(doc.id) },
  };
}

/** Splits upload-to-ready by the progress events the socket saw (stage boundaries). */
function phaseTimes(t0: number, timeline: Timeline) {
  const at = (stage: string, first: boolean) => {
    const hits = timeline.progress.filter((e) => e.p.stage === stage);
    return (first ? hits[0] : hits.at(-1))?.t ?? NaN;
  };
  const parseStart = at('parsing', true);
  const parseEnd = timeline.progress.find((e) => e.p.stage === 'parsing' && e.p.done === e.p.total && e.p.total > 0)?.t ?? NaN;
  const chunked = at('chunking', false);
  const embedded = at('embedding', false);
  const indexed = at('indexing', false);
  const ready = timeline.ready!.t;
  return {
    parseStart,
    parseEnd,
    ms: {
      'upload to parse start': parseStart - t0,
      parse: parseEnd - parseStart,
      chunk: chunked - parseEnd,
      'embed + upsert': embedded - chunked,
      'index (FTS)': indexed - embedded,
      'to ready': ready - indexed,
    },
  };
}

function report(results: FileResult[]) {
  say();
  say('throughput, upload to ready:');
  printTable([
    ['file', 'pages', 'chunks', 'wall s', 'pages/s', 'chunks/s', 'peak RSS MB', 'RSS growth MB', 'upload answered ms'],
    ...results.map((r) => [r.file, String(r.pages), String(r.chunks), fmt(r.wallS, 2), fmt(r.pages / r.wallS), fmt(r.chunks / r.wallS), fmt(r.memory.peakRssMb, 0), fmt(r.memory.growthMb, 0), fmt(r.uploadResponseMs, 0)]),
  ]);
  say();
  say('where the time goes (ms): phases between socket.io progress events (they add up to the wall time), then calls timed around service methods:');
  const phaseNames = Object.keys(results[0]!.phasesMs);
  printTable([['file', ...phaseNames], ...results.map((r) => [r.file, ...phaseNames.map((p) => fmt(r.phasesMs[p]!, 0))])]);
  const callNames = [...new Set(results.flatMap((r) => Object.keys(r.calls)))];
  printTable([
    ['file', ...callNames],
    ...results.map((r) => [r.file, ...callNames.map((c) => (r.calls[c] ? `${fmt(r.calls[c].ms, 0)} (${r.calls[c].calls}x)` : '-'))]),
  ]);
  say();
  say('memory (MB):');
  printTable([
    ['file', 'RSS before', 'peak RSS', 'growth', 'RSS after', 'peak heap used', 'peak parser process RSS', 'peak RSS while parsing', 'Chroma RSS before -> peak'],
    ...results.map((r) => {
      const m = r.memory;
      return [r.file, fmt(m.baselineRssMb, 0), fmt(m.peakRssMb, 0), fmt(m.growthMb, 0), fmt(m.afterRssMb, 0), fmt(m.peakHeapUsedMb, 0), fmt(m.peakParserRssMb, 0), fmt(m.peakRssWhileParsingMb, 0), m.chromaPeakRssMb === null ? '-' : `${fmt(m.chromaRssBeforeMb ?? NaN, 0)} -> ${fmt(m.chromaPeakRssMb, 0)}`];
    }),
  ]);
  for (const r of results) {
    if (r.stored.chroma !== r.chunks || r.stored.fts !== r.chunks) say(`  WARNING ${r.file}: ${r.chunks} chunks but ${r.stored.chroma} vectors and ${r.stored.fts} FTS rows stored`);
  }
}
