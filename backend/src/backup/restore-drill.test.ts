import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { makePdf } from '../../test/support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { script, sh } from '../../test/support/shell.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { createChromaStore } from '../clients/chroma.ts';
import { createRedis } from '../clients/redis.ts';
import { loadConfig } from '../config.ts';
import type { ChatResponseDto } from '../contracts/chat.ts';
import { createIngestQueue } from '../ingest/jobs.ts';
import { createLogger } from '../logger.ts';
import { readLastSuccess } from './last-success.ts';
import { manifestSchema, type Manifest } from './manifest.ts';
import { countsOf } from './snapshot.ts';

const LONG_PDF = '/usr/share/R/doc/manual/R-intro.pdf';

const QUESTIONS = ['How do I read data from a file into a data frame?', 'What does the quarterly report say about revenue?', 'Which colour is the maintenance hatch?'];

describe('the restore drill: back up while in use, lose everything, restore, and get the same answers', { timeout: 900_000 }, () => {
  let emulator: OllamaEmulator;
  let stack: TestStack;
  let env: Record<string, string>;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-backups-'));
  let backupDir = '';
  let manifest: Manifest;
  let before_: ReturnType<typeof countsOf> & { vectors: Record<string, number> };
  const readyBefore = new Map<string, number>();
  const sourcesBefore = new Map<string, string[]>();

  const vectorCounts = async (e: Record<string, string>) =>
    Object.fromEntries((await createChromaStore(e.CHROMA_URL!, e.CHROMA_PREFIX!).listOwned()).map((c) => [`${c.model}|${c.dimension}|${c.collectionId}`, c.count]));
  const ask = async (s: TestStack, question: string) => {
    const res = await s.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, stream: false }) });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as ChatResponseDto;
  };
  const sourcesOf = (answer: ChatResponseDto) => answer.citations.map((c) => c.chunkId).concat(answer.sources.map((s) => `${s.documentId}@${s.page}`));

  before(async () => {
    emulator = await startOllamaEmulator();
    stack = await startStack({ emulator, env: { INGEST_SWEEP_MS: '1000', INGEST_CONCURRENCY: '2' } });
    env = stack.env;
  });
  after(async () => {
    await stack?.close();
    await emulator?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('ingests several documents (a long PDF among them) and holds conversations', async () => {
    const report = await makePdf([
      'Quarterly report. Revenue grew by twelve percent in the third quarter, driven by exports.',
      'Costs stayed flat. The board approved the budget for next year.',
    ]);
    const first = await upload(stack, [
      { name: 'R-intro.pdf', bytes: fs.readFileSync(LONG_PDF), type: 'application/pdf' },
      { name: 'report.pdf', bytes: report, type: 'application/pdf' },
      { name: 'maintenance.md', bytes: '# Maintenance\n\nThe maintenance hatch is painted bright orange so it can be found in the dark.\n', type: 'text/markdown' },
    ]);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    for (const doc of first.body.documents!) {
      const ready = await stack.waitForStatus(doc.id, ['ready', 'failed'], 300_000);
      assert.equal(ready.status, 'ready', JSON.stringify(ready));
      readyBefore.set(doc.id, ready.chunkCount!);
    }
    assert.ok(readyBefore.get(first.body.documents![0]!.id)! > 100, 'the long PDF makes many chunks');
    for (const q of QUESTIONS) {
      const answer = await ask(stack, q);
      assert.ok(answer.sources.length > 0, `"${q}" finds sources`);
      sourcesBefore.set(q, sourcesOf(answer));
    }
    before_ = { ...countsOf(stack.services.db), vectors: await vectorCounts(env) };
  });

  it('takes a backup while uploads and questions go on, with ingestion paused meanwhile', async () => {
    // One document cannot be embedded yet (Ollama busy), so the backup holds a queued document
    // whose job must come back after the restore. The questions below are answered from cache.
    emulator.failNext(1_000_000, 503, 'embed');
    const waiting = await upload(stack, [{ name: 'waiting.md', bytes: '# Waiting\n\nThis note waits for the embedding model to come back.\n' }]);
    await stack.waitForStatus(waiting.body.documents![0]!.id, ['queued'], 10_000);
    const busy = (async () => {
      const results: number[] = [];
      for (let i = 0; i < 4; i++) {
        const up = await upload(stack, [{ name: `during-${i}.md`, bytes: `# Note ${i}\n\nWritten while the backup ran, number ${i}, about pumps and valves.\n` }]);
        results.push(up.status);
        results.push((await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTIONS[i % 3], stream: false }) })).status);
      }
      return results;
    })();
    const startedAt = Date.now();
    const result = await script('backup.sh', ['--out', outDir], env);
    assert.equal(result.code, 0, result.stderr);
    backupDir = result.stdout.trim().split('\n').pop()!;
    assert.match(path.basename(backupDir), /^rag-backup-\d{8}T\d{6}Z$/);
    const statuses = await busy;
    emulator.reset();
    assert.ok(statuses.every((s) => s === 202 || s === 200), `uploads and questions kept working: ${statuses.join(',')}`);

    manifest = manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')));
    assert.ok(manifest.ingestPauseMs > 0);
    assert.equal(manifest.embedding.model, 'nomic-embed-text');
    assert.equal(manifest.embedding.dimension, 384);
    assert.ok(manifest.counts.documents >= readyBefore.size + 1);
    assert.ok((manifest.counts.documentsByStatus.queued ?? 0) >= 1, 'the waiting document is in the backup, queued');
    assert.equal(await isPaused(env), false, 'ingestion is resumed after the backup');
    // Every chunk and vector that existed before the backup is in it.
    assert.ok(manifest.counts.chunks >= before_.chunks && manifest.counts.ftsRows === manifest.counts.chunks);
    for (const [key, n] of Object.entries(before_.vectors)) {
      const inBackup = manifest.collections.filter((c) => `${c.model}|${c.dimension}|${c.collectionId}` === key).reduce((s, c) => s + c.count, 0);
      assert.ok(inBackup >= n, `${key}: ${inBackup} vectors in the backup, ${n} before`);
    }
    const last = readLastSuccess(stack.config.paths.backupStatus);
    assert.ok(last && last.sizeBytes > 0 && Date.parse(last.time) >= startedAt, 'this success is recorded for the metrics');
  });

  it('makes an archive encrypted for an operator\'s age key, which only that key opens', async () => {
    const keyFile = path.join(outDir, 'operator.key');
    await sh('age-keygen', ['-o', keyFile]);
    const recipient = /public key: (age1\w+)/.exec(fs.readFileSync(keyFile, 'utf8'))![1]!;
    const encDir = path.join(outDir, 'encrypted');
    const made = await script('backup.sh', ['--out', encDir, '--age-recipient', recipient], env);
    assert.equal(made.code, 0, made.stderr);
    const archive = made.stdout.trim().split('\n').pop()!;
    assert.match(path.basename(archive), /^rag-backup-\d{8}T\d{6}Z\.tar\.gz\.age$/);
    assert.ok(!fs.readFileSync(archive).includes(Buffer.from('manifest.json')), 'nothing readable in it');
    const checked = await script('restore.sh', ['--check', '--identity', keyFile, archive], env);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stderr, /every checksum matches/);
    const otherKey = path.join(outDir, 'other.key');
    await sh('age-keygen', ['-o', otherKey]);
    const refused = await script('restore.sh', ['--check', '--identity', otherKey, archive], env);
    assert.equal(refused.code, 3, refused.stderr);
    fs.rmSync(encDir, { recursive: true, force: true });
  });

  it('loses everything: data folder, Chroma collections and Redis keys', async () => {
    // Let the uploads made during the backup settle, so nothing writes while the stack stops.
    const all = (await (await stack.fetch('/api/v1/documents?limit=100')).json()) as { items: { id: string }[] };
    for (const doc of all.items) await stack.waitForStatus(doc.id, ['ready', 'failed'], 120_000);
    await stack.close();
    assert.equal(fs.existsSync(env.DATA_DIR!), false);
    assert.deepEqual(await vectorCounts(env), {});
  });

  it('refuses a backup with one flipped byte, a missing part, a missing manifest, or another embedding model, and changes nothing', async () => {
    const copy = (name: string) => {
      const dir = path.join(outDir, name);
      fs.cpSync(backupDir, dir, { recursive: true });
      return dir;
    };
    const flipped = copy('flipped');
    const vectorsPart = manifest.collections[0]!.vectors;
    const bytes = fs.readFileSync(path.join(flipped, vectorsPart));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    fs.writeFileSync(path.join(flipped, vectorsPart), bytes);
    const missing = copy('missing');
    fs.rmSync(path.join(missing, manifest.parts.find((p) => p.path.startsWith('files/'))!.path));
    const partial = copy('partial');
    fs.rmSync(path.join(partial, 'manifest.json'));

    const cases: [string, Record<string, string>, RegExp][] = [
      [flipped, env, /does not match its SHA-256/],
      [missing, env, /is missing: the backup is incomplete/],
      [partial, env, /manifest\.json is missing/],
      [backupDir, { ...env, OLLAMA_EMBED_MODEL: 'mxbai-embed-large' }, /made with the embedding model nomic-embed-text, this deployment uses mxbai-embed-large/],
    ];
    for (const [dir, e, reason] of cases) {
      const result = await script('restore.sh', [dir], e);
      assert.equal(result.code, 3, `${dir}: ${result.stderr}`);
      assert.match(result.stderr, reason);
      assert.match(result.stderr, /nothing was changed/);
      assert.equal(fs.existsSync(path.join(env.DATA_DIR!, 'app.db')), false, 'no database was written');
      assert.deepEqual(await vectorCounts(env), {}, 'no vectors were written');
    }
    // The same model name, but this Ollama's model makes vectors of another size.
    const wider = await startOllamaEmulator({ embeddingDim: 768 });
    try {
      const result = await script('restore.sh', [backupDir], { ...env, OLLAMA_HOST: wider.url });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /vectors have 384 dimensions, but nomic-embed-text in this deployment's Ollama makes 768/);
    } finally {
      await wider.close();
    }
    assert.equal(fs.existsSync(path.join(env.DATA_DIR!, 'app.db')), false);
  });

  it('restores: every count equals the manifest, and no unfinished document is left without a job', async () => {
    const result = await script('restore.sh', [backupDir], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /every count equals the manifest/);

    const db = new Database(path.join(env.DATA_DIR!, 'app.db'), { readonly: true });
    const counts = countsOf(db);
    const unfinished = (db.prepare("SELECT id FROM documents WHERE status IN ('queued', 'processing')").all() as { id: string }[]).map((r) => r.id);
    db.close();
    for (const key of ['documents', 'chunks', 'ftsRows', 'files', 'conversations', 'messages', 'users'] as const) {
      assert.equal(counts[key], manifest.counts[key], key);
    }
    assert.equal(counts.chunks, counts.ftsRows);
    const vectors = await vectorCounts(env);
    assert.equal(Object.values(vectors).reduce((a, b) => a + b, 0), manifest.counts.vectors);
    for (const [key, n] of Object.entries(before_.vectors)) assert.ok((vectors[key] ?? 0) >= n, `${key} has at least the vectors it had before`);
    assert.equal(await isPaused(env), false);

    const { queue, close } = openQueue(env);
    try {
      for (const id of unfinished) assert.ok(await queue.hasJob(id), `document ${id} (unfinished) has an ingest job`);
    } finally {
      await close();
    }
  });

  it('answers the same questions with the same sources after the restore, and finishes the queued documents', async () => {
    stack = await startStack({ emulator, env });
    for (const [id, chunks] of readyBefore) {
      const doc = await stack.waitForStatus(id, ['ready'], 10_000);
      assert.equal(doc.chunkCount, chunks);
    }
    for (const q of QUESTIONS) assert.deepEqual(sourcesOf(await ask(stack, q)), sourcesBefore.get(q), q);
    const all = (await (await stack.fetch('/api/v1/documents?limit=100')).json()) as { items: { id: string }[] };
    for (const doc of all.items) assert.equal((await stack.waitForStatus(doc.id, ['ready', 'failed'], 120_000)).status, 'ready');
  });

  it('refuses to restore while the product is running, and changes nothing', async () => {
    const before = countsOf(stack.services.db);
    const result = await script('restore.sh', [backupDir], env);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /the product is running: \d+ ingest worker\(s\) are connected; stop it first/);
    assert.deepEqual(countsOf(stack.services.db), before);
  });
});

/** The deployment's ingest queue, opened from its environment as the product opens it. */
function openQueue(env: Record<string, string>) {
  const config = loadConfig(env);
  const redis = createRedis(config, 'queue');
  const queue = createIngestQueue(config, redis, createLogger({ log: { level: 'silent' } }));
  return {
    queue,
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}

async function isPaused(env: Record<string, string>): Promise<boolean> {
  const { queue, close } = openQueue(env);
  try {
    return await queue.isPaused();
  } finally {
    await close();
  }
}
