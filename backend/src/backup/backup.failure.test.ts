import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { script } from '../../test/support/shell.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { readLastSuccess } from './last-success.ts';

describe('a backup that fails never leaves ingestion stopped', { timeout: 300_000 }, () => {
  let stack: TestStack;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-backup-fail-'));
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('resumes ingestion, leaves no partial backup and records no success when Chroma cannot be read', async () => {
    const result = await script('backup.sh', ['--out', outDir], { ...stack.env, CHROMA_URL: 'http://127.0.0.1:46999' });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /backup failed: Chroma is unreachable/);
    assert.equal(await stack.services.queue.isPaused(), false);
    assert.deepEqual(fs.readdirSync(outDir), []);
    assert.equal(readLastSuccess(stack.config.paths.backupStatus), null);
    // And ingestion really runs.
    const up = await upload(stack, [{ name: 'after.md', bytes: '# After\n\nIngested after a failed backup.\n' }]);
    assert.equal((await stack.waitForStatus(up.body.documents![0]!.id, ['ready', 'failed'])).status, 'ready');
  });

  it('lifts a pause whose backup died (its lease ran out) at the next sweep, and keeps one that is alive', async () => {
    const queue = stack.services.queue;
    await queue.pauseForBackup(60_000);
    assert.equal(await queue.releaseStalePause(), false, 'a live lease keeps the pause');
    assert.equal(await queue.isPaused(), true);
    await queue.pauseForBackup(100);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await queue.releaseStalePause(), true);
    assert.equal(await queue.isPaused(), false);
  });
});
