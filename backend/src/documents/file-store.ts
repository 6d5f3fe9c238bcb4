import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';

export interface StoredTemp {
  tempPath: string;
  sha256: string;
  size: number;
}

/**
 * Original uploads, content-addressed by SHA-256 under `documents/`; uploads land in `tmp/`
 * first (same filesystem, so the move is an atomic rename).
 */
export function createFileStore(paths: { documents: string; uploads: string }) {
  fs.mkdirSync(paths.documents, { recursive: true });
  fs.mkdirSync(paths.uploads, { recursive: true });

  const pathFor = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('invalid content hash');
    return path.join(paths.documents, sha256.slice(0, 2), sha256);
  };

  return {
    pathFor,

    /** Streams `source` to a temp file while hashing it; the temp file is removed if the stream fails. */
    async writeTemp(source: Readable): Promise<StoredTemp> {
      const tempPath = path.join(paths.uploads, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const hasher = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(source, hasher, fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
      } catch (err) {
        await fsp.rm(tempPath, { force: true });
        throw err;
      }
      return { tempPath, sha256: hash.digest('hex'), size };
    },

    /** Moves a temp file to its content address; an existing copy of the same content is kept. */
    async commit(temp: StoredTemp): Promise<string> {
      const target = pathFor(temp.sha256);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) await fsp.rm(temp.tempPath, { force: true });
      else await fsp.rename(temp.tempPath, target);
      return target;
    },

    discard: (tempPath: string) => fsp.rm(tempPath, { force: true }),

    remove: (sha256: string) => fsp.rm(pathFor(sha256), { force: true }),

    exists: (sha256: string) => fs.existsSync(pathFor(sha256)),

    /** Removes temp files left by a crash; called at start-up. */
    async sweepTemp(olderThanMs = 0): Promise<number> {
      let removed = 0;
      for (const name of await fsp.readdir(paths.uploads)) {
        const file = path.join(paths.uploads, name);
        const stat = await fsp.stat(file).catch(() => null);
        if (stat && Date.now() - stat.mtimeMs >= olderThanMs) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

export type FileStore = ReturnType<typeof createFileStore>;
