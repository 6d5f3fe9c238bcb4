import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalChroma, type LocalChroma } from '../../src/clients/chroma-local.ts';
import { createLogger } from '../../src/logger.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../support/ollama-emulator.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { repoRoot, sh } from '../support/shell.ts';

const script = path.join(repoRoot, 'scripts', 'health-check.sh');
const port = () => 46000 + Math.floor(Math.random() * 700);

interface Report {
  status: 'ok' | 'degraded' | 'down';
  services: { name: string; status: string; latencyMs: number; detail: string }[];
}

describe('scripts/health-check.sh against the natively started stack', { timeout: 300_000 }, () => {
  let emulator: OllamaEmulator;
  let chroma: LocalChroma;
  let stack: TestStack;
  let env: Record<string, string>;
  const chromaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-health-chroma-'));

  const check = async (extra: Record<string, string> = {}) => {
    const result = await sh('bash', [script, '--json', '--timeout', '15', '--env-file', '/dev/null'], { ...env, ...extra });
    const report = JSON.parse(result.stdout) as Report;
    const by = Object.fromEntries(report.services.map((s) => [s.name, s]));
    return { code: result.code, report, by };
  };

  before(async () => {
    emulator = await startOllamaEmulator();
    // A Chroma of its own, so this test can stop it.
    chroma = await startLocalChroma({ dataDir: chromaDir, port: port(), logger: createLogger({ log: { level: 'silent' } }) });
    stack = await startStack({ emulator, env: { CHROMA_URL: chroma.url } });
    env = {
      API_URL: stack.baseUrl,
      CHROMA_URL: chroma.url,
      REDIS_URL: stack.env.REDIS_URL!,
      REDIS_PREFIX: stack.env.REDIS_PREFIX!,
      OLLAMA_HOST: emulator.url,
      NGINX_URL: '',
      PROMETHEUS_URL: '',
      GRAFANA_URL: '',
    };
  });
  after(async () => {
    await stack?.close();
    await emulator?.close();
    await chroma?.stop();
    fs.rmSync(chromaDir, { recursive: true, force: true });
  });

  it('says ok (exit 0) with every service up, each with its latency', async () => {
    const { code, report, by } = await check();
    assert.equal(code, 0, JSON.stringify(report));
    assert.equal(report.status, 'ok');
    assert.deepEqual(Object.keys(by).sort(), ['api', 'chroma', 'ollama', 'redis', 'worker']);
    for (const s of report.services) assert.ok(s.status === 'ok' && s.latencyMs >= 0, JSON.stringify(s));
    assert.match(by.worker!.detail, /^1 ingest worker\(s\) connected$/);
  });

  it('prints a table and the overall state for people', async () => {
    const result = await sh('bash', [script, '--timeout', '15', '--env-file', '/dev/null'], env);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^api\s+ok\s+\d+ ms\s+ready$/m);
    assert.match(result.stdout, /^overall: ok$/m);
  });

  it('says degraded (exit 1) when Ollama lacks a model, and names it', async () => {
    emulator.faults.missingModels = ['nomic-embed-text'];
    try {
      const { code, report, by } = await check();
      assert.equal(code, 1, JSON.stringify(report));
      assert.equal(by.ollama!.status, 'degraded');
      assert.match(by.ollama!.detail, /missing model\(s\): nomic-embed-text:latest/);
      assert.equal(by.api!.status, 'degraded');
      assert.match(by.api!.detail, /not ready: ollama/);
    } finally {
      emulator.reset();
    }
  });

  it('says degraded (exit 1) when Ollama is down', async () => {
    await emulator.down();
    try {
      const { code, by } = await check();
      assert.equal(code, 1);
      assert.equal(by.ollama!.status, 'degraded');
      assert.match(by.ollama!.detail, /no answer from/);
    } finally {
      await emulator.up();
    }
  });

  it('checks Prometheus when its address is given: ok while it runs, degraded once it stops', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-health-prom-'));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    const address = `127.0.0.1:${port()}`;
    const prometheus: ChildProcess = spawn('prometheus', [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=${address}`], { stdio: 'ignore' });
    try {
      let ready = false;
      for (let i = 0; i < 300 && !ready; i++) {
        ready = await fetch(`http://${address}/-/ready`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(ready, 'prometheus started');
      const up = await check({ PROMETHEUS_URL: `http://${address}` });
      assert.equal(up.code, 0);
      assert.equal(up.by.prometheus!.status, 'ok');
      prometheus.kill('SIGTERM');
      await new Promise((r) => prometheus.once('exit', r));
      const down = await check({ PROMETHEUS_URL: `http://${address}` });
      assert.equal(down.code, 1);
      assert.equal(down.by.prometheus!.status, 'degraded');
    } finally {
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says down (exit 2) when Chroma stops', async () => {
    await chroma.stop();
    const { code, report, by } = await check();
    assert.equal(code, 2, JSON.stringify(report));
    assert.equal(report.status, 'down');
    assert.equal(by.chroma!.status, 'down');
    assert.equal(by.api!.status, 'degraded', 'the api is alive but not ready');
    assert.match(by.api!.detail, /chroma/);
  });

  it('says down (exit 2) when the api does not answer', async () => {
    const { code, by } = await check({ API_URL: `http://127.0.0.1:${port()}` });
    assert.equal(code, 2);
    assert.equal(by.api!.status, 'down');
  });
});
