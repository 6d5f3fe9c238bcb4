import { buildApp as buildIfStale } from '../scripts/build-app.ts';

export { DIST_DIR, FRONTEND_DIR } from '../scripts/build-app.ts';

/** Builds the app with Vite unless dist/ is newer than every source (E2E_REBUILD=1 forces it). */
export async function buildApp(): Promise<string> {
  return (await buildIfStale({ force: process.env.E2E_REBUILD === '1' })).dir;
}
