import fs from 'node:fs';

/** The product's version, from the backend's package.json (recorded in backups and deploys). */
export function productVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
