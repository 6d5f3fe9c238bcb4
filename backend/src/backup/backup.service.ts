import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import type { OwnedCollection, VectorStore } from '../clients/chroma.ts';
import type { Db } from '../clients/db.ts';
import { sameModel } from '../clients/ollama.ts';
import type { Config } from '../config.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import type { FileStore } from '../documents/file-store.ts';
import type { IngestQueue } from '../ingest/jobs.ts';
import type { Logger } from '../logger.ts';
import { BACKUP_FORMAT, hashFile, MANIFEST_FILE, type BackupPart, type Manifest } from './manifest.ts';
import { productVersion } from './product.ts';
import { countsOf, effectiveEmbedModel } from './snapshot.ts';
import { openVectorPartWriter, readVectorParts } from './vector-parts.ts';

export interface BackupDeps {
  config: Config;
  db: Db;
  documents: DocumentsRepository;
  queue: IngestQueue;
  vectors: VectorStore;
  files: Pick<FileStore, 'pathFor'>;
  logger: Logger;
}

export interface BackupOptions {
  /** Folder the backup folder is made in. */
  outDir: string;
  /** Longest wait for running ingest jobs to finish once the queue is paused. */
  drainTimeoutMs?: number;
  /** Vectors asked from Chroma in one request. */
  batchSize?: number;
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
  bytes: number;
  durationMs: number;
}

const LEASE_MS = 60_000;

/** `rag-backup-20261201T021500Z`: sorts by time, names the moment it was taken. */
export function backupName(at: Date): string {
  return `rag-backup-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Takes an online, consistent backup: pauses ingestion and lets running jobs finish, snapshots
 * SQLite with VACUUM INTO, exports the vectors of every ready chunk in the snapshot from Chroma
 * (by id, in batches, streamed to disk), resumes ingestion, copies the original files, then
 * checks the snapshot and writes a manifest with a SHA-256 of every part. The folder is renamed
 * from `.partial` only once whole, so a backup that died half-way is never mistaken for one.
 */
export async function createBackup(deps: BackupDeps, options: BackupOptions): Promise<BackupResult> {
  const { logger, queue } = deps;
  const started = Date.now();
  const batchSize = options.batchSize ?? 256;
  const name = backupName(new Date(started));
  const finalDir = path.resolve(options.outDir, name);
  const dir = `${finalDir}.partial`;
  if (fs.existsSync(finalDir)) throw new Error(`${finalDir} exists already`);
  await fsp.mkdir(dir, { recursive: true });
  const warnings: string[] = [];
  const parts: BackupPart[] = [];
  try {
    // 1. Pause ingestion; uploads keep being accepted and wait in the queue.
    const pausedAt = Date.now();
    await queue.pauseForBackup(LEASE_MS);
    const lease = setInterval(() => void queue.renewPause(LEASE_MS).catch(() => {}), LEASE_MS / 3);
    let pauseMs: number;
    let exported: Awaited<ReturnType<typeof exportVectors>>;
    try {
      const drained = await waitForIdle(queue, options.drainTimeoutMs ?? 300_000);
      if (!drained) warnings.push('ingest jobs were still running when the wait ended; their documents are restored as queued and ingested again');
      logger.info({ waitedMs: Date.now() - pausedAt }, 'ingestion paused for the backup');

      // 2. SQLite: one consistent snapshot, taken by SQLite itself while the product writes.
      deps.db.prepare('VACUUM INTO ?').run(path.join(dir, 'app.db'));

      // 3. Vectors of the snapshot's ready chunks, while nothing is ingested.
      exported = await exportVectors(deps, dir, batchSize);
    } finally {
      clearInterval(lease);
      await queue.resumeAfterBackup().catch((err: unknown) => logger.error({ err }, 'could not resume ingestion after the backup; the sweep resumes it once the pause lease ends'));
      pauseMs = Date.now() - pausedAt;
      logger.info({ pauseMs }, 'ingestion resumed');
    }

    // 4. Original files (content-addressed, never rewritten), then fix the snapshot up for
    //    documents that changed while the backup ran.
    const snapshot = new Database(path.join(dir, 'app.db'));
    let collections: Manifest['collections'];
    let counts: Manifest['counts'];
    let embedding: Manifest['embedding'];
    let schemaVersion: number;
    try {
      const gone = new Set<string>();
      const files = await copyFiles(deps, snapshot, dir, gone, warnings);
      parts.push(...files);
      for (const id of exported.incomplete) {
        if (!deps.documents.get(id)) gone.add(id);
      }
      const requeue = exported.incomplete.filter((id) => !gone.has(id));
      for (const id of requeue) warnings.push(`document ${id} lacked some of its vectors in Chroma; it is restored as queued and ingested again`);
      if (gone.size > 0) logger.info({ documents: gone.size }, 'documents deleted while the backup ran are left out of it');
      snapshot.transaction(() => {
        const del = snapshot.prepare('DELETE FROM documents WHERE id = ?');
        const delChunks = snapshot.prepare('DELETE FROM chunks WHERE document_id = ?');
        for (const id of gone) {
          delChunks.run(id);
          del.run(id);
        }
        const queued = snapshot.prepare("UPDATE documents SET status = 'queued', stage = 'waiting' WHERE id = ?");
        for (const id of requeue) queued.run(id);
      })();
      const dropped = new Set([...gone, ...requeue]);
      collections = [];
      for (const c of exported.collections) {
        const written = dropped.size > 0 ? await rewriteWithout(dir, c, dropped) : c;
        collections.push(written.entry);
        parts.push(...written.parts);
      }

      // 5. Check the snapshot before trusting it.
      const integrity = snapshot.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new Error(`the database snapshot failed PRAGMA integrity_check: ${String(integrity)}`);
      snapshot.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();
      schemaVersion = snapshot.pragma('user_version', { simple: true }) as number;
      const model = effectiveEmbedModel(snapshot, deps.config);
      const dims = collections.filter((c) => sameModel(c.model, model.model)).sort((a, b) => b.count - a.count);
      embedding = { ...model, dimension: dims[0]?.dimension ?? null };
      counts = { ...countsOf(snapshot), vectors: collections.reduce((n, c) => n + c.count, 0) };
    } finally {
      snapshot.close();
    }
    const db = await hashFile(path.join(dir, 'app.db'));
    parts.unshift({ path: 'app.db', ...db });

    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      product: { name: 'onprem-rag', version: productVersion() },
      createdAt: new Date(started).toISOString(),
      schemaVersion,
      embedding,
      counts,
      collections,
      database: 'app.db',
      parts,
      ingestPauseMs: pauseMs,
      warnings,
    };
    await fsp.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    await fsp.rename(dir, finalDir);
    const bytes = parts.reduce((n, p) => n + p.bytes, 0);
    return { dir: finalDir, manifest, bytes, durationMs: Date.now() - started };
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function waitForIdle(queue: IngestQueue, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await queue.activeCount()) > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

type ExportedCollection = { entry: Manifest['collections'][number]; parts: BackupPart[] };

/**
 * For every owned Chroma collection, the vectors of the snapshot's ready chunks that belong in it,
 * asked by id. A ready document whose vectors are not all there (deleted while the backup ran, or
 * lost by Chroma) is reported in `incomplete`.
 */
async function exportVectors(deps: BackupDeps, dir: string, batchSize: number) {
  await fsp.mkdir(path.join(dir, 'chroma'), { recursive: true });
  const snapshot = new Database(path.join(dir, 'app.db'), { readonly: true });
  const collections: ExportedCollection[] = [];
  const found = new Map<string, number>();
  try {
    const chunkIds = snapshot.prepare<[string, string], { id: string; document_id: string }>(
      `SELECT c.id, c.document_id FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE d.status = 'ready' AND d.embedding_model = ? AND c.collection_id = ? ORDER BY c.document_id, c.chunk_index`,
    );
    const owned: OwnedCollection[] = await deps.vectors.listOwned();
    for (const [i, collection] of owned.entries()) {
      const writer = await openVectorPartWriter(dir, `chroma/${String(i + 1).padStart(4, '0')}`, collection.dimension);
      try {
        let ids: string[] = [];
        const flush = async () => {
          const vectors = await deps.vectors.getVectors(collection.name, ids);
          for (const v of vectors) found.set(v.documentId, (found.get(v.documentId) ?? 0) + 1);
          await writer.write(vectors);
          ids = [];
        };
        for (const row of chunkIds.iterate(collection.model, collection.collectionId)) {
          ids.push(row.id);
          if (ids.length >= batchSize) await flush();
        }
        if (ids.length > 0) await flush();
      } catch (err) {
        await writer.discard();
        throw err;
      }
      const { count, parts } = await writer.close();
      collections.push({
        entry: { name: collection.name, model: collection.model, dimension: collection.dimension, collectionId: collection.collectionId, count, records: writer.recordsPath, vectors: writer.vectorsPath },
        parts,
      });
    }
    const incomplete = (
      snapshot.prepare("SELECT d.id, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS n FROM documents d WHERE d.status = 'ready'").all() as { id: string; n: number }[]
    )
      .filter((d) => (found.get(d.id) ?? 0) !== d.n)
      .map((d) => d.id);
    return { collections, incomplete };
  } finally {
    snapshot.close();
  }
}

/** Copies each original file the snapshot refers to, checking on the way that it still matches its name. */
async function copyFiles(deps: BackupDeps, snapshot: Database.Database, dir: string, gone: Set<string>, warnings: string[]): Promise<BackupPart[]> {
  const parts: BackupPart[] = [];
  const shas = snapshot.prepare<[], { sha256: string }>('SELECT DISTINCT sha256 FROM documents ORDER BY sha256').all();
  const docsOf = snapshot.prepare<[string], { id: string }>('SELECT id FROM documents WHERE sha256 = ?');
  for (const { sha256 } of shas) {
    const source = deps.files.pathFor(sha256);
    const relative = path.posix.join('files', sha256.slice(0, 2), sha256);
    const target = path.join(dir, relative);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        fs.createReadStream(source),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }),
      );
    } catch (err) {
      await fsp.rm(target, { force: true });
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const ids = docsOf.all(sha256).map((d) => d.id);
      const live = ids.filter((id) => deps.documents.get(id));
      for (const id of ids) if (!live.includes(id)) gone.add(id);
      if (live.length > 0) warnings.push(`the original file ${sha256} of document(s) ${live.join(', ')} is missing from storage`);
      continue;
    }
    const digest = hash.digest('hex');
    if (digest !== sha256) warnings.push(`the stored file ${sha256} no longer matches its content hash (disk damage?); copied as it is`);
    parts.push({ path: relative, bytes, sha256: digest });
  }
  return parts;
}

/** Writes a collection's parts again without the vectors of the given documents. */
async function rewriteWithout(dir: string, collection: ExportedCollection, dropped: Set<string>): Promise<ExportedCollection> {
  const { entry } = collection;
  const base = entry.records.replace(/\.records\.jsonl$/, '');
  const tmpBase = `${base}.rewrite`;
  const writer = await openVectorPartWriter(dir, tmpBase, entry.dimension);
  for await (const batch of readVectorParts(dir, entry, 512)) await writer.write(batch.filter((v) => !dropped.has(v.documentId)));
  const { count, parts } = await writer.close();
  await fsp.rename(path.join(dir, writer.recordsPath), path.join(dir, entry.records));
  await fsp.rename(path.join(dir, writer.vectorsPath), path.join(dir, entry.vectors));
  return {
    entry: { ...entry, count },
    parts: parts.map((p) => ({ ...p, path: p.path === writer.recordsPath ? entry.records : entry.vectors })),
  };
}
