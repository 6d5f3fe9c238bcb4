/**
 * What must still hold after every hostile request: the same
 * process answers /health, nothing appeared outside the data directory, no temp file is left, and
 * every ready document planted before is still there and ready. Used by the tests in this folder:
 *
 *   const guard = await guardStack(stack);      // plants one ready document in `default`
 *   beforeEach(() => guard.snapshot());
 *   afterEach(() => guard.check());
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DocumentDto } from '../../src/contracts/documents.ts';
import { makePdf } from './fixtures.ts';
import { useOwnTempDir } from './own-temp-dir.ts';
import { upload, type TestStack } from './stack.ts';

const BACKEND_DIR = path.resolve(import.meta.dirname, '../..');
const REPO_DIR = path.dirname(BACKEND_DIR);

// The test stack runs in this process, which has a temp folder of its own (TMPDIR, see
// own-temp-dir.ts): only this process and its children write there, so any new entry in it is
// suspect, except the folders this process's test helpers make with mkdtemp (`rag-<what>-XXXXXX`:
// other stacks' data dirs, fixtures). Nothing the product could write through a hostile name
// looks like that (the names are the hostile ones, a SHA-256 or `<uuid>.part`). The machine's
// /tmp, where other programs write at any time, is not watched.
const TEST_HELPER_TEMP = /^rag-[a-z-]+-[A-Za-z0-9]{6}$/;

// Names a traversal through one of the hostile upload names would leave behind.
const HOSTILE_NAME = /passwd|%2e|onerror|<img|\.exe|[\u0000-\u001f\u202a-\u202e\u2066-\u2069]|^x(\.pdf)?$|^\.\.|^a{50,}|^é{20,}/i;

// Everything the product may keep in its data directory.
const DATA_DIR_ENTRIES = new Set(['app.db', 'app.db-wal', 'app.db-shm', 'app.db-journal', 'documents', 'tmp', 'secrets']);

interface Snapshot {
  topLevel: Map<string, Set<string>>;
  hostilePaths: Set<string>;
  etcPasswd: string;
}

/** A document that must survive every test: planted ready, checked after each one. */
export interface PlantedDocument {
  id: string;
  sha256: string;
  collectionId: string;
}

/** Uploads a one-page PDF with `text` and waits until it is ready. */
export async function plantDocument(stack: TestStack, options: { name: string; text: string; collectionId?: string; token?: string }): Promise<DocumentDto> {
  const bytes = await makePdf([options.text]);
  const fields: Record<string, string> = options.collectionId ? { collectionId: options.collectionId } : {};
  const res = await upload(stack, [{ name: options.name, bytes }], fields, options.token);
  assert.equal(res.status, 202, `planting ${options.name}: ${JSON.stringify(res.body)}`);
  const doc = await stack.waitForStatus(res.body.documents![0]!.id, ['ready', 'failed']);
  assert.equal(doc.status, 'ready', `planted ${options.name} did not become ready: ${JSON.stringify(doc.error)}`);
  return doc;
}

/** Watches one stack: plants a ready document, then checks the invariants on demand. */
export async function guardStack(stack: TestStack) {
  const planted: PlantedDocument[] = [];
  const keep = (doc: DocumentDto) => planted.push({ id: doc.id, sha256: doc.sha256, collectionId: doc.collectionId });
  keep(await plantDocument(stack, { name: 'planted-handbook.pdf', text: 'The planted handbook says the staff canteen opens at half past seven.' }));
  let before: Snapshot = takeSnapshot(stack);

  return {
    planted,
    /** Adds a ready document to the ones that must survive. */
    keep,
    /** Records what exists outside the data directory now (call before each test). */
    snapshot() {
      before = takeSnapshot(stack);
    },
    /**
     * Fails unless every invariant holds (call after each test). With `databaseClosed` (a test
     * closed the api's database on purpose), the planted documents are read from the file itself.
     */
    async check(options: { databaseClosed?: boolean } = {}) {
      await assertAlive(stack);
      await assertNoTempFiles(stack);
      assertDataDirLayout(stack);
      assertNothingNewOutside(stack, before, takeSnapshot(stack));
      if (options.databaseClosed) assertPlantedInDatabaseFile(stack, planted);
      else await assertPlantedDocuments(stack, planted);
    },
  };
}

export type StackGuard = Awaited<ReturnType<typeof guardStack>>;

/** /health answers 200 from the server this test process started (a crash would end the process). */
async function assertAlive(stack: TestStack): Promise<void> {
  assert.ok(stack.server.listening, 'the api server stopped listening');
  const res = await stack.fetch('/health', { token: '' });
  assert.equal(res.status, 200, '/health');
  assert.equal(((await res.json()) as { status: string }).status, 'ok');
}

/** The upload temp folder is empty (a file still being removed gets a second to go). */
async function assertNoTempFiles(stack: TestStack): Promise<void> {
  const dir = stack.config.paths.uploads;
  const deadline = Date.now() + 2000;
  while (fs.readdirSync(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(fs.readdirSync(dir), [], `temp files left in ${dir}`);
}

/** The data directory holds only the product's own files; originals only at documents/<sha[0:2]>/<sha>. */
function assertDataDirLayout(stack: TestStack): void {
  const { dataDir, documents } = stack.config.paths;
  for (const name of fs.readdirSync(dataDir)) assert.ok(DATA_DIR_ENTRIES.has(name), `unexpected entry in the data directory: ${JSON.stringify(name)}`);
  for (const shard of fs.readdirSync(documents)) {
    assert.match(shard, /^[0-9a-f]{2}$/, `unexpected entry in documents/: ${JSON.stringify(shard)}`);
    for (const file of fs.readdirSync(path.join(documents, shard))) {
      assert.match(file, /^[0-9a-f]{64}$/, `unexpected file in documents/${shard}: ${JSON.stringify(file)}`);
      assert.ok(file.startsWith(shard), `${file} is in the wrong shard ${shard}`);
      assert.ok(fs.statSync(path.join(documents, shard, file)).isFile());
    }
  }
}

function assertNothingNewOutside(stack: TestStack, before: Snapshot, after: Snapshot): void {
  const ownDataDir = path.basename(stack.config.paths.dataDir);
  for (const [dir, names] of after.topLevel) {
    const added = [...names].filter((n) => !before.topLevel.get(dir)?.has(n));
    const unexpected = dir === useOwnTempDir() ? added.filter((n) => n !== ownDataDir && !isTestHelperTemp(path.join(dir, n))) : added;
    assert.deepEqual(unexpected, [], `new entries in ${dir}`);
  }
  const newHostile = [...after.hostilePaths].filter((p) => !before.hostilePaths.has(p));
  assert.deepEqual(newHostile, [], 'files named like a hostile upload appeared');
  assert.equal(after.etcPasswd, before.etcPasswd, '/etc/passwd changed');
}

async function assertPlantedDocuments(stack: TestStack, planted: PlantedDocument[]): Promise<void> {
  for (const doc of planted) {
    const res = await stack.fetch(`/api/v1/documents/${doc.id}`);
    assert.equal(res.status, 200, `planted document ${doc.id} is gone`);
    const now = (await res.json()) as DocumentDto;
    assert.equal(now.status, 'ready', `planted document ${doc.id} is ${now.status}`);
    assert.equal(now.collectionId, doc.collectionId);
    assert.ok(stack.services.files.exists(doc.sha256), `the file of planted document ${doc.id} is gone`);
  }
}

function assertPlantedInDatabaseFile(stack: TestStack, planted: PlantedDocument[]): void {
  const db = new Database(stack.config.paths.database, { readonly: true });
  try {
    for (const doc of planted) {
      const row = db.prepare('SELECT status, collection_id FROM documents WHERE id = ?').get(doc.id) as { status: string; collection_id: string } | undefined;
      assert.deepEqual(row, { status: 'ready', collection_id: doc.collectionId }, `planted document ${doc.id}`);
      assert.ok(stack.services.files.exists(doc.sha256), `the file of planted document ${doc.id} is gone`);
    }
  } finally {
    db.close();
  }
}

function takeSnapshot(stack: TestStack): Snapshot {
  const dirs = [useOwnTempDir(), '/etc', REPO_DIR, BACKEND_DIR, path.dirname(stack.config.paths.dataDir)];
  const topLevel = new Map(dirs.map((d) => [d, new Set(fs.readdirSync(d))]));
  const hostilePaths = new Set<string>();
  const roots: [string, number][] = [[useOwnTempDir(), 4], [BACKEND_DIR, 6], [REPO_DIR, 1], ['/etc', 2], [stack.config.paths.dataDir, 4]];
  for (const [root, depth] of roots) collectHostile(root, depth, hostilePaths);
  return { topLevel, hostilePaths, etcPasswd: hashFile('/etc/passwd') };
}

function collectHostile(dir: string, depth: number, found: Set<string>): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable or gone (another test stack removing its data dir)
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (HOSTILE_NAME.test(entry.name)) found.add(full);
    if (entry.isDirectory() && depth > 1) collectHostile(full, depth - 1, found);
  }
}

/** A temp folder of this process's test helpers, or an entry already gone again. */
function isTestHelperTemp(file: string): boolean {
  return TEST_HELPER_TEMP.test(path.basename(file)) || !fs.existsSync(file);
}

function hashFile(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return 'unreadable';
  }
}
