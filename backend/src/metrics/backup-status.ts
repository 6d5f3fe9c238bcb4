import fs from 'node:fs/promises';
import { lastSuccessSchema, type LastSuccess } from '../backup/last-success.ts';

/** The last successful backup, or null when there has been none (or the file is unreadable). */
export async function readBackupStatus(file: string): Promise<LastSuccess | null> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = lastSuccessSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
