import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/shell.ts';

const runbook = fs.readFileSync(path.join(repoRoot, 'docs/runbook.md'), 'utf8');
const anchors = new Set([...runbook.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]!));

/** Every file that may link the runbook: scripts, monitoring rules, docs, the README. */
function linkingFiles(): string[] {
  const out: string[] = [path.join(repoRoot, 'README.md')];
  for (const dir of ['scripts', 'monitoring', 'docs', 'backend/src']) {
    const full = path.join(repoRoot, dir);
    if (!fs.existsSync(full)) continue;
    for (const entry of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(sh|ya?ml|md|ts|json)$/.test(entry.name)) out.push(path.join(entry.parentPath, entry.name));
    }
  }
  return out;
}

describe('docs/runbook.md', () => {
  it('has a section for every incident the operations need, each with a stable anchor', () => {
    for (const anchor of ['ollama-unreachable', 'ollama-model-missing', 'chroma-down', 'redis-down', 'disk-full', 'document-stuck', 'ingestion-failures', 'restore', 'restore-new-machine', 'failed-deploy', 'rotate-secrets', 'tls-expiry', 'change-embedding-model', 'backup', 'backup-missing', 'upgrade']) {
      assert.ok(anchors.has(anchor), `#${anchor}`);
      assert.match(runbook, new RegExp(`<a id="${anchor}"></a>\\n## ${anchor}: `), `#${anchor} is followed by its heading`);
    }
  });

  it('has every anchor that a script, an alert rule or a document links to', () => {
    for (const file of linkingFiles()) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/runbook\.md#([a-z0-9-]+)/g)) {
        assert.ok(anchors.has(m[1]!), `${path.relative(repoRoot, file)} links runbook.md#${m[1]}, which does not exist`);
      }
    }
    for (const m of runbook.matchAll(/\]\(#([a-z0-9-]+)\)/g)) assert.ok(anchors.has(m[1]!), `runbook links #${m[1]} to itself`);
  });
});
