import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Version of the backup layout itself; a restore refuses layouts it does not know. */
export const BACKUP_FORMAT = 1;
export const MANIFEST_FILE = 'manifest.json';

const count = z.number().int().min(0);

export const partSchema = z.object({ path: z.string().min(1), bytes: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type BackupPart = z.infer<typeof partSchema>;

export const backupCountsSchema = z.object({
  documents: count,
  documentsByStatus: z.record(z.string(), count),
  chunks: count,
  ftsRows: count,
  vectors: count,
  files: count,
  conversations: count,
  messages: count,
  users: count,
});
export type BackupCounts = z.infer<typeof backupCountsSchema>;

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  product: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.iso.datetime(),
  /** PRAGMA user_version of the database in the backup. */
  schemaVersion: count,
  embedding: z.object({
    model: z.string().min(1),
    /** Size of the vectors; null when the backup holds none. */
    dimension: z.number().int().positive().nullable(),
    /** The model was chosen in the admin settings (stored in the database), not by OLLAMA_EMBED_MODEL. */
    fromSettings: z.boolean(),
  }),
  counts: backupCountsSchema,
  /** One entry per Chroma collection: what it is and which parts hold its records and vectors. */
  collections: z.array(
    z.object({
      name: z.string(),
      model: z.string(),
      dimension: z.number().int().positive(),
      collectionId: z.string(),
      count,
      records: z.string(),
      vectors: z.string(),
    }),
  ),
  database: z.string(),
  parts: z.array(partSchema),
  /** How long ingestion stayed paused, in milliseconds. */
  ingestPauseMs: count,
  /** Things the backup noticed and worked around (e.g. a document deleted while it ran). */
  warnings: z.array(z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** SHA-256 and size of a file, read as a stream. */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The part's path inside the backup, refusing anything that would step outside it. */
export function partPath(dir: string, relative: string): string {
  const full = path.resolve(dir, relative);
  if (!full.startsWith(path.resolve(dir) + path.sep)) throw new Error(`part path leaves the backup: ${relative}`);
  return full;
}

/**
 * Reads the manifest and checks every part's size and SHA-256. Answers the manifest and the list
 * of problems (empty when the backup is whole).
 */
export async function checkBackup(dir: string): Promise<{ manifest: Manifest | null; problems: string[] }> {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) {
    return { manifest: null, problems: [`${MANIFEST_FILE} is missing: this is not a backup, or one that did not finish`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { manifest: null, problems: [`${MANIFEST_FILE} is not valid JSON (${(err as Error).message}): the backup is damaged`] };
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format > BACKUP_FORMAT) {
    return { manifest: null, problems: [`the backup has layout ${format}, newer than this version reads (${BACKUP_FORMAT}); restore it with the version that made it`] };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    return { manifest: null, problems: [`${MANIFEST_FILE} does not describe a backup (${issues.join('; ')}): the backup is damaged`] };
  }
  const manifest = parsed.data;
  const problems: string[] = [];
  for (const part of manifest.parts) {
    let full: string;
    try {
      full = partPath(dir, part.path);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (!fs.existsSync(full)) {
      problems.push(`part ${part.path} is missing: the backup is incomplete`);
      continue;
    }
    const actual = await hashFile(full);
    if (actual.bytes !== part.bytes) problems.push(`part ${part.path} has ${actual.bytes} bytes, the manifest says ${part.bytes}: the backup is damaged`);
    else if (actual.sha256 !== part.sha256) problems.push(`part ${part.path} does not match its SHA-256: the backup is damaged`);
  }
  for (const part of manifest.parts) {
    const known = part.path === manifest.database || /^files\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(part.path) || /^chroma\/\d{4}\.(records\.jsonl|vectors\.f32)$/.test(part.path);
    if (!known) problems.push(`part ${part.path} is not a part a backup has: the manifest is damaged`);
  }
  const listed = new Set(manifest.parts.map((p) => p.path));
  const needed = [manifest.database, ...manifest.collections.flatMap((c) => [c.records, c.vectors])];
  for (const p of needed) if (!listed.has(p)) problems.push(`part ${p} is used but not listed with a checksum: the manifest is damaged`);
  const vectorSum = manifest.collections.reduce((n, c) => n + c.count, 0);
  if (vectorSum !== manifest.counts.vectors) problems.push(`the collections hold ${vectorSum} vectors, the manifest's total says ${manifest.counts.vectors}: the manifest is damaged`);
  return { manifest, problems };
}
