import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What the last successful backup left for the metrics (backup age) to read. */
export const lastSuccessSchema = z.object({
  time: z.iso.datetime(),
  sizeBytes: z.number().int().min(0),
  durationSeconds: z.number().min(0),
  name: z.string().optional(),
});
export type LastSuccess = z.infer<typeof lastSuccessSchema>;

/** `DATA_DIR/backups/last-success.json`: inside DATA_DIR so the api and worker containers see it. */
export function lastSuccessPath(dataDir: string): string {
  return path.join(dataDir, 'backups', 'last-success.json');
}

/** Records a successful backup (written to a temp file and renamed, so a reader never sees half). */
export function recordLastSuccess(dataDir: string, entry: LastSuccess): string {
  const file = lastSuccessPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(lastSuccessSchema.parse(entry)) + '\n');
  fs.renameSync(temp, file);
  return file;
}

/** The last successful backup, or null when there is none (or the file is unreadable). */
export function readLastSuccess(dataDir: string): LastSuccess | null {
  try {
    return lastSuccessSchema.parse(JSON.parse(fs.readFileSync(lastSuccessPath(dataDir), 'utf8')));
  } catch {
    return null;
  }
}
