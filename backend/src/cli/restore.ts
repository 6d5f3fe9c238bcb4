import path from 'node:path';
import pino from 'pino';
import { BackupRefusedError, restoreBackup, verifyBackup } from '../backup/restore.service.ts';
import { startLocalChroma, type LocalChroma } from '../clients/chroma-local.ts';
import { createChromaStore } from '../clients/chroma.ts';
import { createOllamaClient } from '../clients/ollama.ts';
import { createRedis, redactedUrl } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { createIngestQueue } from '../ingest/jobs.ts';
import { createLogger, scoped } from '../logger.ts';
import { EXIT_USAGE, exitWith, loadConfigOrExplain, parseArgsOrExplain } from './command.ts';

const USAGE = `Restores a backup made by backup.ts into this deployment (same environment as the server).

  node backend/src/cli/restore.ts DIR [--check] [--api-url URL]

DIR is an unpacked backup (the folder with manifest.json). First the manifest, every part's
SHA-256, the schema version and the embedding model and dimension are checked; a damaged,
partial or incompatible backup is refused before anything is touched. --check stops there.
The product must be stopped: the restore refuses while an ingest worker is connected to Redis or
the api answers at --api-url (default http://127.0.0.1:PORT). Then it replaces this deployment's
Redis keys, Chroma collections, database and files, gives unfinished documents their ingest
jobs again, and checks every count against the manifest.

Exit codes: 0 restored (or checked), 1 the restore failed part-way (restore again),
2 bad usage or configuration, 3 the backup is refused, 4 the product is running or Redis is away.
`;

/** Runs the command and answers its exit code. */
export async function runRestoreCli(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgsOrExplain({ args: argv, allowPositionals: true, strict: true, options: { check: { type: 'boolean' }, 'api-url': { type: 'string' }, help: { type: 'boolean' } } }, USAGE, err);
  if (!parsed) return EXIT_USAGE;
  const { values: args, positionals } = parsed;
  if (args.help) {
    out.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    err.write(`give exactly one backup folder\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const dir = path.resolve(positionals[0]!);
  const config = loadConfigOrExplain(err);
  if (!config) return EXIT_USAGE;
  // Logs go to standard error; standard output carries the result lines the scripts read.
  const logger = createLogger(config, pino.destination({ fd: 2, sync: true }));

  let manifest;
  try {
    const verified = await verifyBackup(dir, { config, llm: createOllamaClient(config) });
    manifest = verified.manifest;
    for (const warning of verified.warnings) err.write(`warning: ${warning}\n`);
  } catch (e) {
    if (!(e instanceof BackupRefusedError)) throw e;
    err.write(`${e.message}\nnothing was changed.\n`);
    return 3;
  }
  const c = manifest.counts;
  err.write(`backup of ${manifest.createdAt} (version ${manifest.product.version}, schema ${manifest.schemaVersion}, ${manifest.embedding.model}/${manifest.embedding.dimension ?? '-'}): ${c.documents} documents, ${c.chunks} chunks, ${c.vectors} vectors; every checksum matches\n`);
  if (args.check) {
    out.write('verified=1\n');
    return 0;
  }

  const redis = createRedis(config, 'queue');
  const queue = createIngestQueue(config, redis, scoped(logger, 'ingest'));
  let chroma: LocalChroma | undefined;
  try {
    const running = await writersRunning(config, queue, args['api-url']);
    if (running) {
      err.write(`${running}\nnothing was changed.\n`);
      return 4;
    }
    let chromaUrl = config.chroma.url;
    if (!chromaUrl) {
      try {
        chroma = await startLocalChroma({ dataDir: config.paths.chroma, port: config.chroma.localPort, logger: scoped(logger, 'chroma') });
      } catch (e) {
        err.write(`cannot start the local Chroma (${(e as Error).message}); is the product still running?\nnothing was changed.\n`);
        return 4;
      }
      chromaUrl = chroma.url;
    }
    const result = await restoreBackup(dir, manifest, {
      config,
      vectors: createChromaStore(chromaUrl, config.chroma.prefix),
      redis,
      queue,
      logger: scoped(logger, 'backup'),
    });
    const r = result.counts;
    err.write(
      `restored: ${r.documents} documents, ${r.chunks} chunks, ${r.ftsRows} keyword-index rows, ${r.vectors} vectors, ${r.files} files; every count equals the manifest. ` +
        `${result.requeued} unfinished document(s) queued again${result.withoutJob ? ` (${result.withoutJob} wait for the sweep)` : ''}. Start the product now.\n`,
    );
    out.write(`restored=1\ndocuments=${r.documents}\nchunks=${r.chunks}\nvectors=${r.vectors}\nrequeued=${result.requeued}\nmax_rss_kb=${process.resourceUsage().maxRSS}\n`);
    return 0;
  } catch (e) {
    err.write(`restore failed: ${(e as Error).message}\nthe deployment is incomplete: fix the cause and run the restore again.\n`);
    return 1;
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
    await chroma?.stop();
  }
}

/** Why the restore must not run now (the product is running, or Redis is away), or null. */
async function writersRunning(config: Config, queue: ReturnType<typeof createIngestQueue>, apiUrl: string | undefined): Promise<string | null> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
  const workers = await Promise.race([queue.workerCount().catch(() => 'timeout' as const), timeout]);
  if (workers === 'timeout') return `Redis is not reachable at ${redactedUrl(config.redis.url)}; start it first (queues are rebuilt there after the restore)`;
  if (workers > 0) return `the product is running: ${workers} ingest worker(s) are connected; stop it first (npm start: Ctrl-C; compose: scripts/restore.sh stops api and worker)`;
  const url = apiUrl ?? (config.http.port > 0 ? `http://127.0.0.1:${config.http.port}` : null);
  if (url) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json().catch(() => null)) as { status?: string } | null;
      if (res.ok && body?.status === 'ok') return `the product's api answers at ${url}; stop it first`;
    } catch {
      // Nothing answers: stopped.
    }
  }
  return null;
}

if (import.meta.main) exitWith(runRestoreCli(process.argv.slice(2), process.stdout, process.stderr), 'restore');
