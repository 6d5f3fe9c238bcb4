import pino from 'pino';
import { createBackup } from '../backup/backup.service.ts';
import { recordLastSuccess } from '../backup/last-success.ts';
import { createLogger, scoped } from '../logger.ts';
import { createServices } from '../services.ts';
import { EXIT_USAGE, exitWith, loadConfigOrExplain, parseArgsOrExplain } from './command.ts';

const USAGE = `Online backup of this deployment (same environment as the server: DATA_DIR, CHROMA_*, REDIS_*).

  node backend/src/cli/backup.ts create --out DIR [--drain-timeout SECONDS]
      Pauses ingestion (uploads still queue), waits for running jobs, snapshots SQLite, exports
      the Chroma vectors, resumes ingestion, copies the original files, writes manifest.json.
      Prints dir=, bytes=, duration_s=, pause_ms= and max_rss_kb= lines on standard output.
  node backend/src/cli/backup.ts record --size BYTES --duration SECONDS [--name NAME]
      Records a successful backup in DATA_DIR/backups/last-success.json (read by the metrics).
  node backend/src/cli/backup.ts resume
      Lifts a pause left by a backup that was killed (the worker also lifts it once its lease ends).

Exit codes: 0 done, 1 failed (ingestion is resumed), 2 bad usage or configuration.
`;

/** Runs the command and answers its exit code. */
export async function runBackupCli(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgsOrExplain(
    {
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, 'drain-timeout': { type: 'string' }, size: { type: 'string' }, duration: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
    },
    USAGE,
    err,
  );
  if (!parsed) return EXIT_USAGE;
  const { values: args, positionals } = parsed;
  const command = positionals[0];
  if (args.help || !command) {
    (args.help ? out : err).write(USAGE);
    return args.help ? 0 : EXIT_USAGE;
  }
  const config = loadConfigOrExplain(err);
  if (!config) return EXIT_USAGE;

  if (command === 'record') {
    const size = Number(args.size);
    const duration = Number(args.duration);
    if (!Number.isInteger(size) || size < 0 || !Number.isFinite(duration) || duration < 0) {
      err.write(`record needs --size BYTES and --duration SECONDS\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    const file = recordLastSuccess(config.paths.backupStatus, { time: new Date().toISOString(), sizeBytes: size, durationSeconds: duration, ...(args.name ? { name: args.name } : {}) });
    out.write(`recorded=${file}\n`);
    return 0;
  }
  if (command !== 'create' && command !== 'resume') {
    err.write(`unknown command ${command}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command === 'create' && !args.out) {
    err.write(`create needs --out DIR\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const drainTimeoutS = args['drain-timeout'] === undefined ? 300 : Number(args['drain-timeout']);
  if (!Number.isFinite(drainTimeoutS) || drainTimeoutS < 0) {
    err.write('--drain-timeout must be a number of seconds\n');
    return EXIT_USAGE;
  }

  // Logs go to standard error; standard output carries the result lines the scripts read.
  const logger = createLogger(config, pino.destination({ fd: 2, sync: true }));
  // The running product's local Chroma when CHROMA_URL is not set (the one-command start).
  const chromaUrl = config.chroma.url ?? `http://127.0.0.1:${config.chroma.localPort}`;
  const services = createServices({ ...config, chroma: { ...config.chroma, url: chromaUrl } }, logger);
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'backup interrupted; resuming ingestion');
    void services.queue.resumeAfterBackup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (command === 'resume') {
      await services.queue.resumeAfterBackup();
      out.write('resumed=1\n');
      return 0;
    }
    const result = await createBackup(
      { config, db: services.db, documents: services.documentsRepository, queue: services.queue, vectors: services.vectors, files: services.files, logger: scoped(logger, 'backup') },
      { outDir: args.out!, drainTimeoutMs: drainTimeoutS * 1000 },
    );
    for (const warning of result.manifest.warnings) err.write(`warning: ${warning}\n`);
    const c = result.manifest.counts;
    err.write(`backup ${result.dir}: ${c.documents} documents, ${c.chunks} chunks, ${c.vectors} vectors, ${c.files} files, ${result.bytes} bytes in ${(result.durationMs / 1000).toFixed(1)} s (ingestion paused ${result.manifest.ingestPauseMs} ms)\n`);
    out.write(`dir=${result.dir}\nbytes=${result.bytes}\nduration_s=${(result.durationMs / 1000).toFixed(3)}\npause_ms=${result.manifest.ingestPauseMs}\nmax_rss_kb=${process.resourceUsage().maxRSS}\n`);
    return 0;
  } catch (e) {
    err.write(`backup failed: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await services.close();
  }
}

if (import.meta.main) exitWith(runBackupCli(process.argv.slice(2), process.stdout, process.stderr), 'backup');
