import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, sh } from '../support/shell.ts';

const scriptsDir = path.join(repoRoot, 'scripts');

describe('the ops scripts', () => {
  it('pass shellcheck, every one of them', async () => {
    const scripts = fs.readdirSync(scriptsDir).filter((f) => f.endsWith('.sh')).map((f) => path.join('scripts', f));
    assert.ok(scripts.length >= 5);
    const result = await sh('shellcheck', ['-x', ...scripts]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('start with set -euo pipefail and answer --help with a usage and exit 0', async () => {
    for (const name of ['backup.sh', 'restore.sh', 'health-check.sh', 'deploy-production.sh', 'rollback.sh']) {
      const text = fs.readFileSync(path.join(scriptsDir, name), 'utf8');
      assert.match(text, /^#!\/usr\/bin\/env bash\n(#.*\n)+set -euo pipefail\n/, `${name} says what it does, then set -euo pipefail`);
      const result = await sh('bash', [path.join(scriptsDir, name), '--help']);
      assert.equal(result.code, 0, `${name} --help: ${result.stderr}`);
      assert.match(result.stdout, /Usage: scripts\//, name);
      assert.match(result.stdout, /Exit codes?:/, name);
    }
  });

  it('answer an unknown option with exit 2', async () => {
    for (const name of ['backup.sh', 'restore.sh', 'health-check.sh', 'deploy-production.sh']) {
      const result = await sh('bash', [path.join(scriptsDir, name), '--no-such-option']);
      assert.equal(result.code, 2, name);
    }
  });

  it('keep the newest backup of each of the last N days and N weeks, and delete the rest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-retention-'));
    try {
      const names = [
        'rag-backup-20261130T020000Z',
        'rag-backup-20261130T010000Z.tar.gz.age',
        'rag-backup-20261129T020000Z',
        'rag-backup-20261128T020000Z.tar.gz',
        'rag-backup-20261127T020000Z',
        'rag-backup-20261120T020000Z',
        'rag-backup-20261110T020000Z',
      ];
      for (const n of names) {
        if (n.includes('.tar')) fs.writeFileSync(path.join(dir, n), 'x');
        else fs.mkdirSync(path.join(dir, n));
      }
      fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'kept');
      const result = await sh('bash', [path.join(scriptsDir, 'backup.sh'), '--prune-only', '--out', dir, '--keep-daily', '2', '--keep-weekly', '4']);
      assert.equal(result.code, 0, result.stderr);
      // Days: 30 Nov, 29 Nov. ISO weeks: W49 (30 Nov), W48 (29 Nov), W47 (20 Nov), W46 (10 Nov).
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        'rag-backup-20261110T020000Z',
        'rag-backup-20261120T020000Z',
        'rag-backup-20261129T020000Z',
        'rag-backup-20261130T020000Z',
        'unrelated.txt',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
