// Builds the dashboard into dist/ with Vite unless dist/ is newer than every source of it. Used by
// the one-command start (so `npm start` serves a current dashboard) and by the browser tests.
//
//   node frontend/scripts/build-app.ts     prints whether it built, exits 1 if the build failed
import fs from 'node:fs';
import path from 'node:path';

export const FRONTEND_DIR = path.resolve(import.meta.dirname, '..');
export const DIST_DIR = path.join(FRONTEND_DIR, 'dist');
// Everything the built files are made from (the dashboard imports the backend's contracts).
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', '../backend/src/contracts'];

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Why dist/ must be (re)built, or null when it is newer than every source. */
export function staleReason(): string | null {
  const index = path.join(DIST_DIR, 'index.html');
  if (!fs.existsSync(index)) return 'the dashboard has not been built yet';
  const built = fs.statSync(index).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(FRONTEND_DIR, s)) > built);
  return changed ? `${changed} changed since the dashboard was built` : null;
}

/** Builds dist/ when it is stale (or always, with `force`); says whether it built. */
export async function buildApp(options: { force?: boolean } = {}): Promise<{ dir: string; built: boolean; reason: string | null }> {
  const reason = options.force ? 'a rebuild was asked for' : staleReason();
  if (!reason) return { dir: DIST_DIR, built: false, reason };
  const { build } = await import('vite');
  await build({ root: FRONTEND_DIR, configFile: path.join(FRONTEND_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return { dir: DIST_DIR, built: true, reason };
}

if (import.meta.main) {
  const started = Date.now();
  const reason = staleReason();
  if (reason) process.stdout.write(`building the dashboard (${reason})...\n`);
  buildApp().then(
    ({ built }) => process.stdout.write(built ? `dashboard built into ${DIST_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : `dashboard in ${DIST_DIR} is up to date\n`),
    (err: unknown) => {
      process.stderr.write(`the dashboard did not build: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
