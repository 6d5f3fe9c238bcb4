// Backup and restore of a corpus of N chunks (default 5,000): time, size, peak memory of the
// backup and restore commands, and how long ingestion stayed paused. The real app (api and
// worker) runs while the backup is taken, as in production; backup and restore run as the
// separate commands the scripts call (backend/src/cli/backup.ts and restore.ts).
//
//   node bench/backup.bench.ts [--chunks 5000] [--chroma-port N] [--time-limit-min 20]
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startLocalChroma } from '../backend/src/clients/chroma-local.ts';
import { createChromaStore } from '../backend/src/clients/chroma.ts';
import { loadConfig } from '../backend/src/config.ts';
import { createLogger } from '../backend/src/logger.ts';
import { start } from '../backend/src/main.ts';
import { startEmulatorProcess } from './support/emulator-process.ts';
import { REDIS_URL, REPO_DIR, deleteRedisPrefix, freePort, guardRun, machine, saveResults, tempDir } from './support/harness.ts';
import { loadCorpus } from './support/retrieval-corpus.ts';
import { fmt, mb, printTable, say } from './support/stats.ts';

const run = promisify(execFile);
const HEAP_CAP_MB = 64;
const { values: opts } = parseArgs({
  options: {
    chunks: { type: 'string', default: '5000' },
    'chroma-port': { type: 'string' },
    'time-limit-min': { type: 'string', default: '20' },
  },
});
const guard = guardRun('backup.bench', Number(opts['time-limit-min']) * 60_000);
guard.run(main);

/** Runs a product command with the deployment's environment; answers its key=value lines and wall time. */
async function command(file: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []) {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [...nodeFlags, path.join(REPO_DIR, file), ...args], { cwd: REPO_DIR, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  const wallS = (performance.now() - started) / 1000;
  return { wallS, out: Object.fromEntries(stdout.trim().split('\n').map((l) => l.split('=', 2) as [string, string])) };
}

function sizeOf(dir: string, filter: (relative: string) => boolean): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (filter(path.relative(dir, full))) total += fs.statSync(full).size;
  }
  return total;
}

async function main() {
  const chunks = Number(opts.chunks);
  const host = machine();
  say(`backup benchmark: ${chunks} chunks; node ${host.node}, ${host.cpus} cpus, load ${fmt(host.loadavg1m, 2)}`);
  const emulator = await startEmulatorProcess();
  guard.onCleanup(() => emulator.stop());
  const chromaDir = tempDir('backup-chroma');
  guard.onCleanup(() => fs.rmSync(chromaDir, { recursive: true, force: true }));
  const chroma = await startLocalChroma({ dataDir: chromaDir, port: Number(opts['chroma-port'] ?? (await freePort())), logger: createLogger({ log: { level: 'silent' } }) });
  guard.onCleanup(() => chroma.stop());

  const id = randomUUID().slice(0, 8);
  const dataDir = tempDir('backup-data');
  const outDir = tempDir('backup-out');
  guard.onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  guard.onCleanup(() => fs.rmSync(outDir, { recursive: true, force: true }));
  const env = {
    DATA_DIR: dataDir,
    OLLAMA_HOST: emulator.url,
    CHROMA_URL: chroma.url,
    CHROMA_PREFIX: `bk${id}`,
    REDIS_URL,
    REDIS_PREFIX: `bench-backup-${id}`,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const redis = new Redis(REDIS_URL);
  guard.onCleanup(() => redis.quit());
  guard.onCleanup(() => deleteRedisPrefix(redis, env.REDIS_PREFIX));
  guard.onCleanup(() => createChromaStore(chroma.url, env.CHROMA_PREFIX).dropAll());

  const config = loadConfig(env);
  const app = await start(config, createLogger(config));
  let stopped = false;
  guard.onCleanup(() => (stopped ? undefined : app.stop()));
  const load = await loadCorpus(app.services, { chunks, chunksPerDocument: 200, chunkChars: 1000, vocabularySize: 30_000, seed: 7 }, () => undefined);
  // Each document gets an original file, as an upload leaves one (content-addressed by its hash).
  const docs = app.services.db.prepare('SELECT id FROM documents').all() as { id: string }[];
  const texts = app.services.db.prepare<[string], { text: string }>('SELECT text FROM chunks WHERE document_id = ? ORDER BY chunk_index');
  for (const { id: docId } of docs) {
    const bytes = Buffer.from(texts.all(docId).map((r) => r.text).join('\n\n'));
    const sha = createHash('sha256').update(bytes).digest('hex');
    fs.mkdirSync(path.dirname(app.services.files.pathFor(sha)), { recursive: true });
    fs.writeFileSync(app.services.files.pathFor(sha), bytes);
    app.services.db.prepare('UPDATE documents SET sha256 = ?, size_bytes = ? WHERE id = ?').run(sha, bytes.length, docId);
  }
  say(`loaded ${load.chunks} chunks in ${load.documents} documents (${fmt(load.ms.total / 1000)} s)`);

  // Once with the heap capped far below the corpus's size: streaming keeps the live memory bounded.
  const capped = await command('backend/src/cli/backup.ts', ['create', '--out', outDir], env, [`--max-old-space-size=${HEAP_CAP_MB}`]);
  fs.rmSync(capped.out.dir!, { recursive: true, force: true });
  await new Promise((r) => setTimeout(r, 1100)); // backups are named by the second
  const backup = await command('backend/src/cli/backup.ts', ['create', '--out', outDir], env);
  const dir = backup.out.dir!;
  const sizes = {
    total: Number(backup.out.bytes),
    database: sizeOf(dir, (p) => p === 'app.db'),
    vectors: sizeOf(dir, (p) => p.startsWith('chroma/')),
    files: sizeOf(dir, (p) => p.startsWith('files/')),
  };
  const tarStarted = performance.now();
  await run('tar', ['-C', outDir, '-czf', `${dir}.tar.gz`, path.basename(dir)]);
  const archive = { seconds: (performance.now() - tarStarted) / 1000, bytes: fs.statSync(`${dir}.tar.gz`).size };

  // Lose everything, then restore with the product stopped.
  await app.services.vectors.dropAll();
  await app.stop();
  stopped = true;
  await deleteRedisPrefix(redis, env.REDIS_PREFIX);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const restore = await command('backend/src/cli/restore.ts', [dir], env);
  if (Number(restore.out.chunks) !== chunks || Number(restore.out.vectors) !== chunks) throw new Error(`restore gave ${restore.out.chunks} chunks, ${restore.out.vectors} vectors`);

  const results = {
    host,
    chunks,
    documents: load.documents,
    backup: {
      wallS: backup.wallS,
      commandS: Number(backup.out.duration_s),
      ingestPauseMs: Number(backup.out.pause_ms),
      peakRssMb: Number(backup.out.max_rss_kb) / 1024,
      sizes,
      archive,
      heapCapped: { heapCapMb: HEAP_CAP_MB, wallS: capped.wallS, peakRssMb: Number(capped.out.max_rss_kb) / 1024 },
    },
    restore: { wallS: restore.wallS, peakRssMb: Number(restore.out.max_rss_kb) / 1024 },
  };
  say();
  printTable([
    ['Figure', 'Value'],
    ['corpus', `${chunks} chunks, ${load.documents} documents, 384-dimension vectors`],
    ['backup: wall time (process start to exit)', `${fmt(backup.wallS)} s (backup itself ${fmt(Number(backup.out.duration_s))} s)`],
    ['backup: ingestion paused', `${backup.out.pause_ms} ms`],
    ['backup: peak RSS of the backup process', `${fmt(results.backup.peakRssMb)} MB`],
    [`backup with the V8 heap capped at ${HEAP_CAP_MB} MB`, `${fmt(capped.wallS)} s, peak RSS ${fmt(Number(capped.out.max_rss_kb) / 1024)} MB`],
    ['backup: size (folder)', `${fmt(mb(sizes.total))} MB: database ${fmt(mb(sizes.database))}, vectors ${fmt(mb(sizes.vectors))}, files ${fmt(mb(sizes.files))}`],
    ['backup: as .tar.gz', `${fmt(mb(archive.bytes))} MB (gzip took ${fmt(archive.seconds)} s)`],
    ['restore: wall time (verify + load + check counts)', `${fmt(restore.wallS)} s`],
    ['restore: peak RSS of the restore process', `${fmt(results.restore.peakRssMb)} MB`],
  ]);
  say(`saved ${saveResults('backup', results)}`);
}
