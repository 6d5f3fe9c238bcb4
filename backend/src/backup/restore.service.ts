import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { VectorStore } from '../clients/chroma.ts';
import { openDatabase } from '../clients/db.ts';
import { MIGRATIONS } from '../clients/db.migrations.ts';
import { sameModel, type LlmClient } from '../clients/ollama.ts';
import type { RedisConnection } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { createDocumentsRepository } from '../documents/documents.repository.ts';
import type { IngestQueue } from '../ingest/jobs.ts';
import type { Logger } from '../logger.ts';
import { checkBackup, partPath, type BackupCounts, type Manifest } from './manifest.ts';
import { countsOf } from './snapshot.ts';
import { readVectorParts } from './vector-parts.ts';

/** A backup that must not be restored, with every reason found. */
export class BackupRefusedError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`the backup is refused:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BackupRefusedError';
    this.problems = problems;
  }
}

/**
 * Everything checked before anything is touched: the manifest, every part's SHA-256, the schema
 * (not newer than this version knows) and the embedding model and dimension (the same as this
 * deployment's, or the restored vectors would not match the questions' vectors).
 */
export async function verifyBackup(dir: string, target: { config: Pick<Config, 'ollama'>; llm?: LlmClient }): Promise<{ manifest: Manifest; warnings: string[] }> {
  const { manifest, problems } = await checkBackup(dir);
  if (!manifest) throw new BackupRefusedError(problems);
  const warnings: string[] = [];
  if (manifest.schemaVersion > MIGRATIONS.length) {
    problems.push(`its database schema is version ${manifest.schemaVersion}, newer than this version of the product knows (${MIGRATIONS.length}); restore it with version ${manifest.product.version} or newer`);
  }
  const { model, dimension, fromSettings } = manifest.embedding;
  if (!fromSettings && !sameModel(model, target.config.ollama.embedModel)) {
    problems.push(
      `it was made with the embedding model ${model}, this deployment uses ${target.config.ollama.embedModel}; set OLLAMA_EMBED_MODEL=${model} to restore it (and re-index afterwards to change models)`,
    );
  } else if (dimension !== null && target.llm) {
    try {
      const [probe] = await target.llm.embed(['dimension check'], { model, signal: AbortSignal.timeout(15_000) });
      if (probe && probe.length !== dimension) {
        problems.push(`its vectors have ${dimension} dimensions, but ${model} in this deployment's Ollama makes ${probe.length}; restore onto an Ollama with the same model`);
      }
    } catch (err) {
      warnings.push(`could not ask Ollama for the dimension of ${model} (${(err as Error).message}); the model name matches, the dimension was not checked`);
    }
  }
  if (problems.length > 0) throw new BackupRefusedError(problems);
  return { manifest, warnings };
}

export interface RestoreDeps {
  config: Config;
  vectors: VectorStore;
  redis: RedisConnection;
  queue: IngestQueue;
  logger: Logger;
}

export interface RestoreResult {
  counts: BackupCounts;
  /** Documents that were queued or processing and got an ingest job again. */
  requeued: number;
  /** Of those, how many have no job (Redis unreachable): the sweep gives them one on start. */
  withoutJob: number;
}

/**
 * Replaces this deployment's data with the backup's: Redis keys of the deployment (derived state),
 * its Chroma collections, the database and the original files. Then gives every unfinished
 * document an ingest job and checks that every count equals the manifest.
 */
export async function restoreBackup(dir: string, manifest: Manifest, deps: RestoreDeps): Promise<RestoreResult> {
  const { config, logger } = deps;

  // Redis holds only derived state (queues, caches, counters): the deployment's keys go.
  let removed = 0;
  for await (const keys of deps.redis.scanStream({ match: `${config.redis.prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) removed += await deps.redis.del(...keys);
  }
  logger.info({ removed }, 'removed the deployment\'s Redis keys');

  await deps.vectors.dropAll();
  for (const collection of manifest.collections) {
    let loaded = 0;
    for await (const batch of readVectorParts(dir, collection, 500)) {
      await deps.vectors.upsertChunks(collection.model, batch);
      loaded += batch.length;
    }
    if (loaded !== collection.count) throw new Error(`collection ${collection.name}: loaded ${loaded} vectors, the manifest says ${collection.count}`);
    logger.info({ collection: collection.name, vectors: loaded }, 'vectors restored');
  }

  const database = config.paths.database;
  await fsp.mkdir(path.dirname(database), { recursive: true });
  await fsp.copyFile(partPath(dir, manifest.database), `${database}.restoring`);
  for (const suffix of ['', '-wal', '-shm']) await fsp.rm(`${database}${suffix}`, { force: true });
  await fsp.rename(`${database}.restoring`, database);

  await fsp.rm(config.paths.documents, { recursive: true, force: true });
  await fsp.rm(config.paths.uploads, { recursive: true, force: true });
  await fsp.mkdir(config.paths.uploads, { recursive: true });
  for (const part of manifest.parts) {
    if (!part.path.startsWith('files/')) continue;
    const target = path.join(config.paths.documents, part.path.slice('files/'.length));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.copyFile(partPath(dir, part.path), target);
  }
  logger.info('database and files restored');

  // Opening runs the migrations of a backup from an older version, forward, in transactions.
  const db = openDatabase(database);
  try {
    db.prepare("UPDATE documents SET status = 'queued', stage = 'waiting' WHERE status = 'processing'").run();
    const documents = createDocumentsRepository(db);
    const unfinished = documents.unfinishedIds(new Date(Date.now() + 1000).toISOString());
    let withoutJob = 0;
    for (const id of unfinished) {
      if ((await deps.queue.enqueue(id)) !== 'queued' || !(await deps.queue.hasJob(id))) withoutJob++;
    }
    if (withoutJob > 0) logger.warn({ withoutJob }, 'Redis did not take every ingest job; the sweep queues the rest once the product runs');

    const counts: BackupCounts = { ...countsOf(db), vectors: 0 };
    const owned = await deps.vectors.listOwned();
    counts.vectors = owned.reduce((n, c) => n + c.count, 0);
    const problems = compareCounts(manifest, counts, owned);
    if (problems.length > 0) throw new Error(`the restored data does not match the manifest:\n  - ${problems.join('\n  - ')}`);
    return { counts, requeued: unfinished.length, withoutJob };
  } finally {
    db.close();
  }
}

/** Differences between what the manifest promised and what is there now (statuses may move: processing becomes queued). */
export function compareCounts(manifest: Manifest, counts: BackupCounts, owned: { model: string; dimension: number; collectionId: string; count: number }[]): string[] {
  const problems: string[] = [];
  for (const key of ['documents', 'chunks', 'ftsRows', 'vectors', 'files', 'conversations', 'messages', 'users'] as const) {
    if (counts[key] !== manifest.counts[key]) problems.push(`${key}: ${counts[key]} restored, ${manifest.counts[key]} in the backup`);
  }
  const key = (c: { model: string; dimension: number; collectionId: string }) => `${c.model}|${c.dimension}|${c.collectionId}`;
  const want = new Map<string, number>();
  for (const c of manifest.collections) want.set(key(c), (want.get(key(c)) ?? 0) + c.count);
  const have = new Map<string, number>();
  for (const c of owned) have.set(key(c), (have.get(key(c)) ?? 0) + c.count);
  for (const [k, n] of want) {
    if ((have.get(k) ?? 0) !== n) problems.push(`vectors of ${k.replaceAll('|', ' / ')}: ${have.get(k) ?? 0} restored, ${n} in the backup`);
  }
  return problems;
}

/** Whether a folder looks like an unpacked backup (a manifest in it). */
export function isBackupDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'manifest.json'));
}
