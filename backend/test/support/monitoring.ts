import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository's root and its monitoring folder. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MONITORING = path.join(REPO, 'monitoring');

export const readYaml = <T>(file: string): T => parse(fs.readFileSync(file, 'utf8')) as T;

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a program and waits until `readyUrl` answers 200; its output is kept for failure messages. */
export async function startDaemon(command: string, args: string[], readyUrl: string, timeoutMs = 30_000): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const daemon: Daemon = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ok) return daemon;
    await new Promise((r) => setTimeout(r, 200));
  }
  await daemon.stop();
  throw new Error(`${command} was not ready at ${readyUrl} within ${timeoutMs} ms:\n${out}`);
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: unknown[];
  [key: string]: unknown;
}
interface PrometheusConfig {
  global: Record<string, unknown>;
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

/**
 * The project's prometheus.yml with every target pointed at a process on loopback (the api and
 * worker started natively, the Debian exporters), its rules read from the repository, and a
 * 1-second interval so a short test gathers enough samples. Jobs, paths and rules stay as shipped.
 */
export function adaptPrometheusConfig(targets: Record<string, string>, alertmanager: string): string {
  const config = readYaml<PrometheusConfig>(path.join(MONITORING, 'prometheus.yml'));
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' };
  config.rule_files = config.rule_files.map((f) => path.join(MONITORING, 'rules', path.basename(f)));
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [alertmanager] }] }];
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (!target) throw new Error(`no loopback target for the job ${job.job_name}`);
    delete job.dns_sd_configs;
    job.static_configs = [{ targets: [target] }];
  }
  return JSON.stringify(config);
}

export interface DashboardTarget {
  dashboard: string;
  panel: string;
  expr: string;
}

/** Every query of every panel of every dashboard shipped. */
export function dashboardTargets(): DashboardTarget[] {
  const dir = path.join(MONITORING, 'grafana', 'dashboards');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((file) => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { title: string; panels: { title: string; targets: { expr: string }[] }[] };
    return dashboard.panels.flatMap((panel) => panel.targets.map((t) => ({ dashboard: dashboard.title, panel: panel.title, expr: t.expr })));
  });
}

export interface RuleFile {
  groups: { name: string; rules: ({ alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> } | { record: string; expr: string })[] }[];
}

/** The alert and recording rules shipped in monitoring/rules. */
export function ruleFiles(): { file: string; rules: RuleFile }[] {
  const dir = path.join(MONITORING, 'rules');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.rules.yml'))
    .map((f) => ({ file: path.join(dir, f), rules: readYaml<RuleFile>(path.join(dir, f)) }));
}

/** Metric names an expression reads: identifiers outside strings and label matchers, minus PromQL words. */
export function metricNames(expr: string): string[] {
  const PROMQL = new Set(['sum', 'min', 'max', 'avg', 'count', 'by', 'without', 'and', 'or', 'unless', 'rate', 'increase', 'deriv', 'time', 'absent', 'histogram_quantile', 'on', 'ignoring', 'bool', 'offset']);
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !PROMQL.has(n) && !/^\d/.test(n) && !/^e\d+$/.test(n)))];
}
