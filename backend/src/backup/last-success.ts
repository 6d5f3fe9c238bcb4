import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * What the last successful backup leaves at `config.paths.backupStatus` (DATA_DIR/backups/
 * last-success.json, inside DATA_DIR so the api and worker containers see it) for the backup-age
 * metric to read.
 */
export const lastSuccessSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  sizeBytes: z.number().int().min(0),
  durationSeconds: z.number().min(0),
  name: z.string().optional(),
});
export type LastSuccess = z.infer<typeof lastSuccessSchema>;

/** Records a successful backup (written to a temp file and renamed, so a reader never sees half). */
export function recordLastSuccess(file: string, entry: LastSuccess): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(lastSuccessSchema.parse(entry)) + '\n');
  fs.renameSync(temp, file);
  return file;
}

/** The last successful backup, or null when there is none (or the file is unreadable). */
export function readLastSuccess(file: string): LastSuccess | null {
  try {
    return lastSuccessSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}
