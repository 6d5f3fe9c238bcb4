// Prints what the browser downloads for the first page (gzip), from Vite's build manifest:
// the entry with its static imports, plus the chunk of the page a signed-in person lands on.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const dist = path.join(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
const gzipKb = (file: string) => gzipSync(fs.readFileSync(path.join(dist, file))).length / 1024;

/** A chunk and everything it imports statically, as manifest keys. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(dep, seen);
  return seen;
}

const sum = (keys: Iterable<string>) => [...keys].reduce((kb, k) => kb + gzipKb(manifest[k]!.file), 0);
const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
const entry = closure(entryKey);
const route = (name: string) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(`${name}.tsx`))!;
  return [...closure(key)].filter((k) => !entry.has(k));
};

const rows: [string, number][] = [
  ['entry (app shell, React, Query, sign-in)', sum(entry)],
  ['+ documents page (landing page)', sum(route('DocumentsPage'))],
  ['+ chat page (on demand)', sum(route('ChatPage'))],
  ['+ admin pages (on demand, admins only)', sum(route('AdminPage'))],
  ['+ status page (on demand)', sum(route('StatusPage'))],
];
for (const [label, kb] of rows) process.stdout.write(`${label.padEnd(44)} ${kb.toFixed(1).padStart(7)} KB gzip\n`);
const firstLoad = rows[0]![1] + rows[1]![1];
process.stdout.write(`${'first page load, JavaScript'.padEnd(44)} ${firstLoad.toFixed(1).padStart(7)} KB gzip (budget 250 KB)\n`);
if (firstLoad > 250) process.exitCode = 1;
