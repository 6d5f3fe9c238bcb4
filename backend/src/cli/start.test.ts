import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRedis } from '../clients/redis.ts';
import { loadConfig } from '../config.ts';
import { startApiProcess, type ApiProcess } from '../../test/support/api-process.ts';
import { REDIS_URL, testChromaUrl } from '../../test/support/stack.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');

/**
 * A clean clone of this working tree: every file git tracks or would track (so uncommitted work
 * is included, and ignored build output such as frontend/dist is not), with the installed
 * node_modules linked in rather than installed again, to keep the test quick.
 */
function cleanClone(): string {
  const stamp = path.join(REPO, 'node_modules', '.installed-lock');
  if (!fs.existsSync(stamp) || fs.statSync(path.join(REPO, 'package-lock.json')).mtimeMs > fs.statSync(stamp).mtimeMs) {
    throw new Error('the dependencies are not installed or older than package-lock.json: run `npm test` (or `npm ci`) first');
  }
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-clone-'));
  const listed = execFileSync('git', ['-C', REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = path.join(REPO, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    // Timestamps kept, so package-lock.json stays older than the install stamp and nothing reinstalls.
    fs.cpSync(from, path.join(clone, file), { preserveTimestamps: true });
  }
  for (const dir of ['node_modules', 'backend/node_modules', 'frontend/node_modules']) {
    if (fs.existsSync(path.join(REPO, dir))) fs.symlinkSync(path.join(REPO, dir), path.join(clone, dir));
  }
  return clone;
}

describe('npm start on a clean clone', () => {
  let clone: string;
  let env: Record<string, string>;
  let api: ApiProcess;
  const started: ApiProcess[] = [];

  before(async () => {
    clone = cleanClone();
    const id = randomUUID().slice(0, 8);
    env = {
      // Node 24 (this process's) first, so the start script does not fetch one.
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      REDIS_URL,
      REDIS_PREFIX: `test-start-${id}`,
      // The test run's Chroma: the embedded one is tested on its own (chroma-local.test.ts).
      CHROMA_URL: await testChromaUrl(),
      CHROMA_PREFIX: `start${id}`,
      OLLAMA_HOST: 'http://127.0.0.1:9',
    };
  });

  after(async () => {
    for (const p of started) await p.stop();
    const redis = createRedis(loadConfig(env), 'queue');
    const keys = await redis.keys(`${env.REDIS_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    fs.rmSync(clone, { recursive: true, force: true });
  });

  const startScript = async () => {
    const p = await startApiProcess(env, { command: ['bash', 'scripts/start.sh'], cwd: clone, timeoutMs: 240_000 });
    started.push(p);
    return p;
  };

  it('builds the dashboard, serves it on GET /, and says where to open it and how to create the first admin', async () => {
    assert.equal(fs.existsSync(path.join(clone, 'frontend', 'dist')), false, 'a clean clone has no built dashboard');
    api = await startScript();
    const page = await fetch(`${api.baseUrl}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<div id="root"><\/div>/);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page loads the built app');
    const js = await fetch(`${api.baseUrl}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);

    const output = api.output();
    assert.match(output, /building the dashboard \(the dashboard has not been built yet\)/);
    const lines = api.logLines();
    const open = lines.find((l) => String(l.msg).startsWith('dashboard: open '));
    assert.equal(open?.url, `http://127.0.0.1:${api.port}/`);
    assert.ok(lines.some((l) => /no accounts yet: create the first admin with `npm run create-admin/.test(String(l.msg))), 'says how to create the first admin');
    await api.stop();
  });

  it('rebuilds the dashboard only when its sources are newer than the build', async () => {
    api = await startScript();
    assert.match(api.output(), /dashboard in .* is up to date/);
    await api.stop();

    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(clone, 'frontend', 'src', 'main.tsx'), later, later);
    api = await startScript();
    assert.match(api.output(), /building the dashboard \(src changed since the dashboard was built\)/);
    assert.equal((await fetch(`${api.baseUrl}/documents`, { headers: { accept: 'text/html' } })).status, 200);
    await api.stop();
  });
});
