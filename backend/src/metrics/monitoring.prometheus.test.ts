import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { start } from '../main.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { adaptPrometheusConfig, dashboardTargets, freePort, metricNames, MONITORING, ruleFiles, startDaemon, type Daemon } from '../../test/support/monitoring.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { REDIS_URL, startStack, upload, type TestStack } from '../../test/support/stack.ts';

interface QueryResult {
  status: string;
  data: { resultType: string; result: unknown[] };
}

/**
 * A real Prometheus (Debian's) with the project's prometheus.yml, its targets pointed at an api
 * and a worker started here, Debian's node and Redis exporters and Alertmanager, scraping while
 * the test uploads, ingests and asks. Then every dashboard query must return data and every
 * metric the alert rules read must exist.
 */
describe('the dashboards and alert rules against a real Prometheus', () => {
  let emulator: OllamaEmulator;
  let stack: TestStack;
  let worker: Awaited<ReturnType<typeof start>>;
  let tmp: string;
  let prometheusUrl: string;
  const daemons: Daemon[] = [];

  const query = async (expr: string): Promise<QueryResult> => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as QueryResult & { error?: string };
    assert.equal(res.status, 200, `${expr}: ${body.error}`);
    return body;
  };
  const waitFor = async (expr: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await query(expr)).data.result.length > 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`Prometheus never had ${expr}`);
  };
  const ask = (question: string, collectionIds?: string[]) =>
    stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, stream: false, collectionIds }) });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-prometheus-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '90', '-subj', '/CN=rag.test', '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem')], { stdio: 'ignore' });
    emulator = await startOllamaEmulator();
    stack = await startStack({ emulator, env: { ROLES: 'api', TLS_CERT_FILE: path.join(tmp, 'cert.pem') } });
    // The worker in its own role, sharing the api's data, Redis and Chroma, answering on its own metrics port.
    const workerConfig = loadConfig({ ...stack.env, ROLES: 'worker' });
    worker = await start(workerConfig, createLogger(workerConfig));
    // A backup finished an hour ago, as scripts/backup.sh records it.
    fs.mkdirSync(path.dirname(stack.config.paths.backupStatus), { recursive: true });
    fs.writeFileSync(stack.config.paths.backupStatus, JSON.stringify({ time: new Date(Date.now() - 3600_000).toISOString(), sizeBytes: 5_000_000, durationSeconds: 12 }));

    const [nodePort, redisPort, alertmanagerPort, prometheusPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    daemons.push(await startDaemon('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], `http://127.0.0.1:${nodePort}/metrics`));
    daemons.push(await startDaemon('prometheus-redis-exporter', ['-redis.addr', REDIS_URL, '-web.listen-address', `127.0.0.1:${redisPort}`], `http://127.0.0.1:${redisPort}/metrics`));
    // The project's alertmanager.yml as shipped (its relays do not exist here; sending fails quietly).
    const alertmanagerArgs = [`--config.file=${path.join(MONITORING, 'alertmanager.yml')}`, `--storage.path=${path.join(tmp, 'alertmanager')}`, `--web.listen-address=127.0.0.1:${alertmanagerPort}`, '--cluster.listen-address='];
    daemons.push(await startDaemon('prometheus-alertmanager', alertmanagerArgs, `http://127.0.0.1:${alertmanagerPort}/-/ready`));
    const targets = {
      'rag-api': `127.0.0.1:${(stack.server.address() as AddressInfo).port}`,
      'rag-worker': `127.0.0.1:${(worker.metricsServer!.address() as AddressInfo).port}`,
      node: `127.0.0.1:${nodePort}`,
      redis: `127.0.0.1:${redisPort}`,
      alertmanager: `127.0.0.1:${alertmanagerPort}`,
      prometheus: `127.0.0.1:${prometheusPort}`,
    };
    const configFile = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(configFile, adaptPrometheusConfig(targets, targets.alertmanager));
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    daemons.push(
      await startDaemon('prometheus', [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(tmp, 'tsdb')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`], `${prometheusUrl}/-/ready`),
    );
  });

  after(async () => {
    for (const d of daemons.reverse()) await d.stop();
    await worker?.stop();
    await stack?.close();
    await emulator?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('scrapes every job of prometheus.yml while documents are ingested and questions asked', async (t) => {
    await waitFor('up{job="rag-worker"} == 1');
    const socket = await stack.socket();

    // Two documents that ingest, one that fails for good, one that waits while Ollama is away.
    const pdf = await makePdf(['Glaciers lose mass when melting exceeds accumulation.', 'Firn density rises with depth as snow compacts into ice.']);
    const ok = await upload(stack, [
      { name: 'glaciers.pdf', bytes: pdf, type: 'application/pdf' },
      { name: 'notes.md', bytes: '# Ice\n\nIce flows downhill under its own weight, slowly.', type: 'text/markdown' },
      { name: 'empty.txt', bytes: '  \n ', type: 'text/plain' },
    ]);
    assert.equal(ok.status, 202);
    const [glaciers, notes, empty] = ok.body.documents!;
    await stack.waitForStatus(glaciers!.id, ['ready']);
    await stack.waitForStatus(notes!.id, ['ready']);
    await stack.waitForStatus(empty!.id, ['failed']);

    // Ollama goes away: a question fails (503) and an upload is retried until it comes back.
    await emulator.down();
    assert.equal((await ask('Why does firn get denser?')).status, 503);
    const later = await upload(stack, [{ name: 'later.txt', bytes: 'Crevasses open where the ice stretches over a bump in the bed.', type: 'text/plain' }]);
    await waitFor('rag_ingest_documents_total{outcome="retried"}');
    await emulator.up();
    await stack.waitForStatus(later.body.documents![0]!.id, ['ready']);

    // Answered, then the same question from the cache, and one over an empty collection: no sources.
    assert.equal((await ask('Why do glaciers lose mass?')).status, 200);
    assert.equal((await ask('Why do glaciers lose mass?')).status, 200);
    const created = await stack.fetch('/api/v1/collections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Empty shelf' }) });
    const emptyCollection = (await created.json()) as { id: string };
    assert.equal((await ask('What is in here?', [emptyCollection.id])).status, 200);

    await waitFor('rag_chat_answers_total{outcome="no_sources"}');
    await waitFor('rag_socket_connections > 0');
    socket.disconnect();
    // A few more scrapes, so every rate() has two samples of every series.
    await new Promise((r) => setTimeout(r, 4000));

    const up = (await query('up == 1')).data.result as { metric: { job: string } }[];
    const jobs = new Set(up.map((r) => r.metric.job));
    for (const job of ['rag-api', 'rag-worker', 'node', 'redis', 'alertmanager', 'prometheus']) assert.ok(jobs.has(job), `job ${job} is scraped`);
    // What one scrape of the api and of the worker costs (a figure, not a limit).
    for (const job of ['rag-api', 'rag-worker']) {
      const [samples] = (await query(`scrape_samples_scraped{job="${job}"}`)).data.result as { value: [number, string] }[];
      const [seconds] = (await query(`scrape_duration_seconds{job="${job}"}`)).data.result as { value: [number, string] }[];
      t.diagnostic(`${job}: ${samples!.value[1]} samples per scrape, last scrape took ${(Number(seconds!.value[1]) * 1000).toFixed(1)} ms`);
    }
  });

  it('answers every query of every dashboard panel with data', async () => {
    const targets = dashboardTargets();
    assert.ok(targets.length >= 40, `${targets.length} panel queries`);
    const empty: string[] = [];
    for (const t of targets) {
      const result = await query(t.expr);
      if (result.data.result.length === 0) empty.push(`${t.dashboard} / ${t.panel}: ${t.expr}`);
    }
    assert.deepEqual(empty, [], `panels whose query returned nothing:\n${empty.join('\n')}`);
  });

  it('has every metric the alert rules read, and evaluates every rule without error', async () => {
    const missing: string[] = [];
    for (const { rules } of ruleFiles()) {
      for (const rule of rules.groups.flatMap((g) => g.rules)) {
        for (const name of metricNames(rule.expr)) {
          if ((await query(`count({__name__="${name}"})`)).data.result.length === 0) missing.push(`${name} (in ${'alert' in rule ? rule.alert : rule.record})`);
        }
      }
    }
    assert.deepEqual(missing, []);
    const res = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const rules = res.data.groups.flatMap((g) => g.rules);
    assert.equal(rules.length, ruleFiles().flatMap((f) => f.rules.groups.flatMap((g) => g.rules)).length, 'every rule is loaded');
    for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
    // A fresh backup and a certificate valid for 90 days: those alerts stay quiet.
    const firing = (await query('ALERTS')).data.result as { metric: { alertname: string } }[];
    const names = firing.map((a) => a.metric.alertname);
    assert.ok(!names.includes('BackupTooOld') && !names.includes('TlsCertificateExpiringSoon'), names.join(', '));
  });
});
