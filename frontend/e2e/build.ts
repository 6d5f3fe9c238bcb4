import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRONTEND_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = path.join(FRONTEND_DIR, 'dist');

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Builds the app with Vite unless dist/ is newer than every source (E2E_REBUILD=1 forces it). */
export async function buildApp(): Promise<string> {
  const index = path.join(DIST_DIR, 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', '../backend/src/contracts'].map((p) => path.join(FRONTEND_DIR, p));
  const fresh = fs.existsSync(index) && process.env.E2E_REBUILD !== '1' && sources.every((s) => newestMtime(s) < fs.statSync(index).mtimeMs);
  if (fresh) return DIST_DIR;
  const { build } = await import('vite');
  await build({ root: FRONTEND_DIR, configFile: path.join(FRONTEND_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return DIST_DIR;
}
