import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MACHINE_TEMP_DIR } from '../../test/support/own-temp-dir.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';
import { guardStack, type StackGuard } from '../../test/support/invariants.ts';

describe('the security invariants', () => {
  let stack: TestStack;
  let guard: StackGuard;

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
  });
  after(() => stack.close());

  it('are not broken by another program writing to the machine temp folder meanwhile', async () => {
    guard.snapshot();
    const other = path.join(MACHINE_TEMP_DIR, `other-program-${process.pid}.log`);
    // A separate process with the machine's own TMPDIR, as a browser or compiler on CI would be.
    const written = spawnSync('sh', ['-c', 'echo busy > "$1"', 'sh', other], { env: { PATH: process.env.PATH ?? '', TMPDIR: MACHINE_TEMP_DIR } });
    assert.equal(written.status, 0, written.stderr.toString());
    try {
      await guard.check();
    } finally {
      fs.rmSync(other, { force: true });
    }
  });

  it('fail when the process under test writes into its temp folder, outside the data directory', async () => {
    guard.snapshot();
    const escaped = path.join(os.tmpdir(), 'exported-report.pdf');
    fs.writeFileSync(escaped, 'written outside DATA_DIR');
    try {
      await assert.rejects(guard.check(), /new entries in/);
    } finally {
      fs.rmSync(escaped, { force: true });
    }
  });

  it('fail when the process under test writes next to its data directory', async () => {
    guard.snapshot();
    const escaped = path.join(path.dirname(stack.config.paths.dataDir), 'passwd');
    fs.writeFileSync(escaped, 'root:x:0:0');
    try {
      await assert.rejects(guard.check());
    } finally {
      fs.rmSync(escaped, { force: true });
    }
  });
});
