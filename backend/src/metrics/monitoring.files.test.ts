import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { freePort, MONITORING, readYaml, REPO, ruleFiles, startDaemon } from '../../test/support/monitoring.ts';

const run = (command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
};

describe('Prometheus and Alertmanager files, checked by their own tools', () => {
  it('prometheus.yml passes promtool check config, with the rules it loads', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-promtool-'));
    try {
      // As shipped (rule files are looked up under /etc/prometheus in the container) ...
      const shipped = run('promtool', ['check', 'config', path.join(MONITORING, 'prometheus.yml')]);
      assert.equal(shipped.status, 0, shipped.out);
      // ... and with its rule glob pointed at the repository, so the rules are loaded and checked too.
      const text = fs.readFileSync(path.join(MONITORING, 'prometheus.yml'), 'utf8').replace('/etc/prometheus/rules/', `${path.join(MONITORING, 'rules')}/`);
      fs.writeFileSync(path.join(tmp, 'prometheus.yml'), text);
      const checked = run('promtool', ['check', 'config', path.join(tmp, 'prometheus.yml')]);
      assert.equal(checked.status, 0, checked.out);
      assert.match(checked.out, /SUCCESS: \d+ rules found/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the rules pass promtool check rules and their unit tests', () => {
    for (const { file } of ruleFiles()) {
      const checked = run('promtool', ['check', 'rules', file]);
      assert.equal(checked.status, 0, checked.out);
    }
    const tested = run('promtool', ['test', 'rules', path.join(MONITORING, 'rules', 'rag.rules.test.yml')]);
    assert.equal(tested.status, 0, tested.out);
  });

  it('every alert has a summary, a description, a runbook link and a severity, and a test that fires and one that stays quiet', () => {
    const tests = readYaml<{ tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }>(path.join(MONITORING, 'rules', 'rag.rules.test.yml'));
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    const alerts = ruleFiles().flatMap(({ rules }) => rules.groups.flatMap((g) => g.rules)).filter((r) => 'alert' in r);
    const required = ['RagApiDown', 'RagWorkerDown', 'OllamaUnreachable', 'ChromaDown', 'RedisDown', 'ChatErrorRateHigh', 'TimeToFirstTokenSlow', 'IngestionFailures', 'IngestQueueBacklogGrowing', 'IngestJobWaitingTooLong', 'DiskNearlyFull', 'RedisMemoryNearLimit', 'EventLoopLagHigh', 'BackupTooOld', 'TlsCertificateExpiringSoon'];
    const names = alerts.map((a) => a.alert);
    for (const name of required) assert.ok(names.includes(name), `alert ${name} exists`);
    for (const alert of alerts) {
      assert.ok(alert.annotations?.summary, `${alert.alert} has a summary`);
      assert.ok((alert.annotations?.description ?? '').length > 30, `${alert.alert} has a description`);
      assert.match(alert.annotations?.runbook_url ?? '', /^docs\/runbook\.md#[a-z0-9-]+$/, `${alert.alert} links the runbook`);
      assert.match(alert.labels?.severity ?? '', /^(critical|warning)$/, `${alert.alert} has a severity the routes know`);
      const mine = cases.filter((c) => c.alertname === alert.alert);
      assert.ok(mine.some((c) => c.exp_alerts.length > 0), `${alert.alert} has a test where it fires`);
      assert.ok(mine.some((c) => c.exp_alerts.length === 0), `${alert.alert} has a test where it stays quiet`);
    }
  });

  it('alertmanager.yml passes amtool check-config and routes critical alerts to mail and webhook, warnings to the webhook', () => {
    const file = path.join(MONITORING, 'alertmanager.yml');
    const checked = run('amtool', ['check-config', file]);
    assert.equal(checked.status, 0, checked.out);
    const route = (labels: string[]) => run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim().split('\n').at(-1);
    assert.equal(route(['alertname=RagApiDown', 'severity=critical']), 'ops-email,ops-webhook');
    assert.equal(route(['alertname=BackupTooOld', 'severity=warning']), 'ops-webhook');
    const config = readYaml<{ route: { group_by: string[] } }>(file);
    assert.deepEqual(config.route.group_by, ['alertname', 'severity']);
  });
});

// What Grafana needs from a provisioned dashboard; Grafana itself cannot run here (no Debian package).
const datasourceRef = z.strictObject({ type: z.literal('prometheus'), uid: z.string() });
const panelSchema = z.object({
  id: z.number().int().positive(),
  type: z.enum(['timeseries', 'stat', 'gauge', 'bargauge', 'table']),
  title: z.string().min(3),
  description: z.string().min(40, 'say what a normal value looks like'),
  datasource: datasourceRef,
  gridPos: z.strictObject({ h: z.number().int().positive(), w: z.number().int().min(1).max(24), x: z.number().int().min(0).max(23), y: z.number().int().min(0) }),
  fieldConfig: z.object({ defaults: z.object({ unit: z.string() }), overrides: z.array(z.unknown()) }),
  options: z.record(z.string(), z.unknown()),
  targets: z.array(z.object({ refId: z.string().regex(/^[A-Z]$/), expr: z.string().min(1), legendFormat: z.string(), datasource: datasourceRef })).min(1),
});
const dashboardSchema = z.object({
  uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string(),
  description: z.string().min(10),
  tags: z.array(z.string()),
  schemaVersion: z.number().int().min(36),
  version: z.number().int(),
  editable: z.boolean(),
  refresh: z.string(),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(z.unknown()) }),
  annotations: z.object({ list: z.array(z.unknown()) }),
  panels: z.array(panelSchema).min(1),
});

describe('Grafana provisioning and dashboards', () => {
  const dir = path.join(MONITORING, 'grafana', 'dashboards');
  const dashboards = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, json: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown }));

  it('ships the three dashboards, each valid and with a description on every panel', () => {
    const titles = dashboards.map((d) => dashboardSchema.parse(d.json).title).sort();
    assert.deepEqual(titles, ['Ingestion', 'RAG overview', 'System']);
    for (const { file, json } of dashboards) {
      const d = dashboardSchema.parse(json);
      const ids = d.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: panel ids are unique`);
      for (const p of d.panels) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${file} / ${p.title} fits the grid`);
      assert.equal(new Set(dashboards.map((x) => (x.json as { uid: string }).uid)).size, dashboards.length, 'dashboard uids are unique');
    }
  });

  it('the dashboards use the provisioned datasource, and the provider reads the folder compose mounts', () => {
    const sources = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(path.join(MONITORING, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'));
    const [source] = sources.datasources;
    assert.equal(source!.url, 'http://prometheus:9090');
    for (const { json } of dashboards) {
      for (const p of dashboardSchema.parse(json).panels) {
        assert.equal(p.datasource.uid, source!.uid);
        for (const t of p.targets) assert.equal(t.datasource.uid, source!.uid);
      }
    }
    const providers = readYaml<{ providers: { options: { path: string } }[] }>(path.join(MONITORING, 'grafana', 'provisioning', 'dashboards', 'rag.yml'));
    const compose = readYaml<{ services: { grafana: { volumes: string[] } } }>(path.join(REPO, 'docker-compose.monitoring.yml'));
    assert.ok(compose.services.grafana.volumes.includes(`./monitoring/grafana/dashboards:${providers.providers[0]!.options.path}:ro`));
  });
});

describe('docker-compose.monitoring.yml on top of the production file', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-compose-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The production file, or (before it exists in this tree) the services and network it is agreed to have. */
  function productionFile(): string {
    const real = path.join(REPO, 'docker-compose.production.yml');
    if (fs.existsSync(real)) return real;
    const base = path.join(REPO, `.compose-base-${process.pid}.yml`);
    const service = (image: string, extra: object = {}) => ({ image, networks: ['internal'], ...extra });
    const backend = { environment: { ROLES: 'api' }, volumes: ['app-data:/data'], networks: ['internal', 'egress'] };
    const services = {
      api: service('rag:1', backend),
      worker: service('rag:1', { ...backend, environment: { ROLES: 'worker' } }),
      redis: service('redis:7.4.3-bookworm'),
      chromadb: service('chroma:1.0.5'),
      nginx: service('rag-nginx:1', { depends_on: { api: { condition: 'service_healthy' } }, volumes: ['./ssl:/etc/nginx/ssl:ro'] }),
    };
    fs.writeFileSync(base, JSON.stringify({ services, networks: { public: {}, internal: { internal: true }, egress: {} }, volumes: { 'app-data': {} } }));
    return base;
  }

  function composeConfig(env: string) {
    const envFile = path.join(tmp, 'env');
    const example = path.join(REPO, '.env.production.example');
    // The example settings plus the test's; the services' env_file (RAG_ENV_FILE) is this file too.
    fs.writeFileSync(envFile, `${fs.existsSync(example) ? fs.readFileSync(example, 'utf8') : ''}\n${env}\nRAG_ENV_FILE=${envFile}\n`);
    const prod = productionFile();
    try {
      return run('docker-compose', ['--env-file', envFile, '-f', prod, '-f', 'docker-compose.monitoring.yml', 'config'], { cwd: REPO });
    } finally {
      if (path.basename(prod).startsWith('.compose-base-')) fs.rmSync(prod);
    }
  }

  it('merges: every monitoring service pinned, with a healthcheck, a memory limit, a restart policy, log rotation and no published port', () => {
    const result = composeConfig('GRAFANA_ADMIN_PASSWORD=grafana-secret-for-test\nREDIS_PASSWORD=redis-secret-for-test');
    assert.equal(result.status, 0, result.out);
    const config = parse(result.out) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown>; networks: Record<string, { internal?: boolean }> };
    for (const name of ['prometheus', 'alertmanager', 'grafana', 'node-exporter', 'redis-exporter']) {
      const s = config.services[name]!;
      assert.match(String(s.image), /:v?\d+\.\d+\.\d+(-alpine)?$/, `${name} is pinned`);
      assert.ok((s.healthcheck as { test?: unknown })?.test, `${name} has a healthcheck`);
      assert.ok(s.mem_limit, `${name} has a memory limit`);
      assert.equal(s.restart, 'unless-stopped', `${name} restarts`);
      assert.equal((s.logging as { options: Record<string, string> }).options['max-size'], '10m', `${name} rotates its logs`);
      assert.equal(s.ports, undefined, `${name} publishes no port`);
      assert.ok(Object.keys(s.networks as object).includes('internal'), `${name} joins the stack's network`);
    }
    assert.equal(config.networks.internal!.internal, true);
    const api = config.services.api!;
    assert.equal((api.environment as Record<string, string>).TLS_CERT_FILE, '/run/tls/server.crt');
    assert.equal((api.environment as Record<string, string>).ROLES, 'api', 'the production settings stay');
    for (const v of ['prometheus-data', 'alertmanager-data', 'grafana-data']) assert.ok(v in config.volumes, `named volume ${v}`);
    const grafanaEnv = config.services.grafana!.environment as Record<string, string>;
    assert.equal(grafanaEnv.GF_SECURITY_ADMIN_PASSWORD, 'grafana-secret-for-test');
    assert.equal(grafanaEnv.GF_SERVER_SERVE_FROM_SUB_PATH, 'true');
    const nginxVolumes = JSON.stringify(config.services.nginx!.volumes);
    assert.match(nginxVolumes, /monitoring\/nginx\/grafana\.conf/);
    assert.match(nginxVolumes, /\/etc\/nginx\/ssl/, "nginx keeps the production file's volumes");
  });

  it("mounts the /grafana/ location where the production nginx's TLS server includes it", () => {
    const compose = readYaml<{ services: { nginx: { volumes: string[] } } }>(path.join(REPO, 'docker-compose.monitoring.yml'));
    const target = compose.services.nginx.volumes.map((v) => v.split(':')[1]!).find((t) => t.endsWith('/grafana.conf'))!;
    assert.equal(target, '/etc/nginx/locations/grafana.conf');
    // The production nginx's site, once it is in this tree: its HTTPS server must include that folder.
    const site = path.join(REPO, 'nginx', 'templates', 'conf.d', 'rag.conf');
    if (fs.existsSync(site)) {
      const text = fs.readFileSync(site, 'utf8');
      const https = text.slice(text.search(/listen [^;]*ssl/));
      assert.match(https, /include \/etc\/nginx\/locations\/\*\.conf;/, 'the HTTPS server includes /etc/nginx/locations/*.conf');
    }
  });

  it('refuses to start Grafana without an admin password from .env.production', () => {
    const result = composeConfig('REDIS_PASSWORD=redis-secret-for-test');
    assert.notEqual(result.status, 0);
    assert.match(result.out, /GRAFANA_ADMIN_PASSWORD/);
  });
});

describe('the /grafana/ location for nginx', () => {
  it('passes nginx -t and proxies /grafana/ to Grafana with its sub-path and forwarding headers kept', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-nginx-'));
    const seen: { url?: string; proto?: string; host?: string } = {};
    const grafana = http.createServer((req, res) => {
      Object.assign(seen, { url: req.url, proto: req.headers['x-forwarded-proto'], host: req.headers.host });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"database":"ok"}');
    });
    await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', r));
    const grafanaPort = (grafana.address() as { port: number }).port;
    const nginxPort = await freePort();
    fs.mkdirSync(path.join(tmp, 'locations'));
    // The shipped snippet, with the container name `grafana` replaced by this loopback stand-in.
    const snippet = fs.readFileSync(path.join(MONITORING, 'nginx', 'grafana.conf'), 'utf8');
    // A variable, so nginx resolves the name per request and starts without Grafana.
    assert.match(snippet, /set \$grafana_upstream grafana:3000;\s+proxy_pass http:\/\/\$grafana_upstream;/);
    fs.writeFileSync(path.join(tmp, 'locations', 'grafana.conf'), snippet.replace('grafana:3000;', `127.0.0.1:${grafanaPort};`));
    const temp = (name: string) => `${name} ${path.join(tmp, name)};`;
    fs.writeFileSync(
      path.join(tmp, 'nginx.conf'),
      `daemon off; pid ${path.join(tmp, 'nginx.pid')}; error_log stderr; events {}
       http { access_log off; ${temp('client_body_temp_path')} ${temp('proxy_temp_path')} ${temp('fastcgi_temp_path')} ${temp('uwsgi_temp_path')} ${temp('scgi_temp_path')}
         server { listen 127.0.0.1:${nginxPort}; include ${path.join(tmp, 'locations')}/*.conf; } }`,
    );
    try {
      execFileSync('nginx', ['-t', '-p', tmp, '-c', path.join(tmp, 'nginx.conf')], { stdio: 'pipe' });
      const nginx = await startDaemon('nginx', ['-p', tmp, '-c', path.join(tmp, 'nginx.conf')], `http://127.0.0.1:${nginxPort}/grafana/api/health`);
      try {
        const res = await fetch(`http://127.0.0.1:${nginxPort}/grafana/api/health`);
        assert.equal(res.status, 200);
        assert.equal(seen.url, '/grafana/api/health', 'Grafana serves from its sub-path, so the prefix is kept');
        assert.equal(seen.proto, 'http');
        assert.equal(seen.host, `127.0.0.1:${nginxPort}`);
      } finally {
        await nginx.stop();
      }
    } finally {
      grafana.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
