/**
 * Gives this test process a temp folder of its own and makes it the process's TMPDIR, so the
 * product under test (which runs in this process) and the children it starts write their temp
 * files there. "Nothing new in the temp folder" can then be checked on what this process writes,
 * while other programs keep writing to the machine's /tmp during the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine's temp folder, as it was before this process took its own. */
export const MACHINE_TEMP_DIR = os.tmpdir();
let own: string | undefined;

/** Creates the folder on first call (removed when the process exits) and points TMPDIR at it. */
export function useOwnTempDir(): string {
  if (own) return own;
  const dir = fs.mkdtempSync(path.join(MACHINE_TEMP_DIR, 'rag-process-'));
  own = dir;
  process.env.TMPDIR = dir;
  process.once('exit', () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // A child still writing into it as the process ends; the folder is named as a temp one.
    }
  });
  return dir;
}
