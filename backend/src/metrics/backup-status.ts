import fs from 'node:fs/promises';
import { z } from 'zod';

/**
 * What the backup script writes to `DATA_DIR/backups/last-success.json` after every backup that
 * finished and was verified: when it finished, how big it is, and how long it took.
 */
export const backupStatusSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  sizeBytes: z.number().int().min(0),
  durationSeconds: z.number().min(0),
});
export type BackupStatus = z.infer<typeof backupStatusSchema>;

/** The last successful backup, or null when there has been none (or the file is unreadable). */
export async function readBackupStatus(file: string): Promise<BackupStatus | null> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = backupStatusSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
