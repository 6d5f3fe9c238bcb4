import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import readline from 'node:readline';
import type { ChunkVector } from '../clients/chroma.ts';
import type { BackupPart } from './manifest.ts';

/**
 * One Chroma collection on disk as two parts written side by side: `.records.jsonl` (one line per
 * vector: id and metadata) and `.vectors.f32` (the vectors as little-endian float32, in the same
 * order). Chroma keeps float32, so nothing is lost, and a 768-dimension vector takes 3 KB instead
 * of ~8 KB of JSON. Writes are awaited batch by batch, so memory stays at one batch.
 */
export async function openVectorPartWriter(dir: string, base: string, dimension: number) {
  const recordsPath = `${base}.records.jsonl`;
  const vectorsPath = `${base}.vectors.f32`;
  const records = await fsp.open(`${dir}/${recordsPath}`, 'wx');
  const vectors = await fsp.open(`${dir}/${vectorsPath}`, 'wx');
  const recordsHash = createHash('sha256');
  const vectorsHash = createHash('sha256');
  let recordBytes = 0;
  let vectorBytes = 0;
  let count = 0;

  return {
    recordsPath,
    vectorsPath,
    async write(batch: ChunkVector[]): Promise<void> {
      if (batch.length === 0) return;
      const lines = Buffer.from(
        batch.map((v) => JSON.stringify({ id: v.id, documentId: v.documentId, collectionId: v.collectionId, chunkIndex: v.chunkIndex, page: v.page })).join('\n') + '\n',
      );
      const floats = Buffer.alloc(batch.length * dimension * 4);
      batch.forEach((v, i) => {
        if (v.vector.length !== dimension) throw new Error(`vector ${v.id} has ${v.vector.length} dimensions, its collection ${dimension}`);
        for (let d = 0; d < dimension; d++) floats.writeFloatLE(v.vector[d]!, (i * dimension + d) * 4);
      });
      recordsHash.update(lines);
      vectorsHash.update(floats);
      await records.write(lines);
      await vectors.write(floats);
      recordBytes += lines.length;
      vectorBytes += floats.length;
      count += batch.length;
    },
    /** Flushes to disk and answers the two parts and how many vectors they hold. */
    async close(): Promise<{ count: number; parts: BackupPart[] }> {
      await records.sync();
      await vectors.sync();
      await records.close();
      await vectors.close();
      return {
        count,
        parts: [
          { path: recordsPath, bytes: recordBytes, sha256: recordsHash.digest('hex') },
          { path: vectorsPath, bytes: vectorBytes, sha256: vectorsHash.digest('hex') },
        ],
      };
    },
    /** Closes without keeping anything (on failure). */
    async discard(): Promise<void> {
      await records.close().catch(() => {});
      await vectors.close().catch(() => {});
    },
  };
}

/** Reads a collection's two parts back in batches, one batch in memory at a time. */
export async function* readVectorParts(dir: string, part: { records: string; vectors: string; dimension: number }, batchSize: number): AsyncGenerator<ChunkVector[]> {
  const lines = readline.createInterface({ input: fs.createReadStream(`${dir}/${part.records}`), crlfDelay: Infinity });
  const vectors = await fsp.open(`${dir}/${part.vectors}`, 'r');
  const size = part.dimension * 4;
  let batch: { id: string; documentId: string; collectionId: string; chunkIndex: number; page: number | null }[] = [];
  const flush = async (): Promise<ChunkVector[]> => {
    const buffer = Buffer.alloc(batch.length * size);
    const { bytesRead } = await vectors.read(buffer, 0, buffer.length, null);
    if (bytesRead !== buffer.length) throw new Error(`${part.vectors} ends before its records do`);
    const out = batch.map((r, i) => {
      const vector = new Array<number>(part.dimension);
      for (let d = 0; d < part.dimension; d++) vector[d] = buffer.readFloatLE(i * size + d * 4);
      return { ...r, vector };
    });
    batch = [];
    return out;
  };
  try {
    for await (const line of lines) {
      if (!line) continue;
      batch.push(JSON.parse(line) as (typeof batch)[number]);
      if (batch.length >= batchSize) yield await flush();
    }
    if (batch.length > 0) yield await flush();
    const rest = await vectors.read(Buffer.alloc(1), 0, 1, null);
    if (rest.bytesRead !== 0) throw new Error(`${part.vectors} holds more vectors than ${part.records} has records`);
  } finally {
    lines.close();
    await vectors.close();
  }
}
