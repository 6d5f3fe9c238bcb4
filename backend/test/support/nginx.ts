/**
 * Debian's nginx on loopback with the project's own configuration (nginx/templates rendered by
 * nginx/render-config.sh), a certificate from ssl/make-cert.sh, and a small stand-in dashboard, in
 * front of an api started natively. For tests and benchmarks of what nginx adds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { MACHINE_TEMP_DIR } from './own-temp-dir.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
export const NGINX_BIN = process.env.TEST_NGINX_BIN ?? '/usr/sbin/nginx';

export interface LoopbackNginx {
  httpsUrl: string;
  httpUrl: string;
  httpsPort: number;
  caFile: string;
  /** The rendered nginx.conf. */
  confFile: string;
  /** The access log so far. */
  accessLog(): string;
  close(): Promise<void>;
}

/** A free TCP port on loopback (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Makes the test CA trusted by this process's fetch and TLS clients. */
export function trustCa(caFile: string): void {
  const ca = fs.readFileSync(caFile, 'utf8');
  const current = tls.getCACertificates('default');
  if (!current.includes(ca)) tls.setDefaultCACertificates([...current, ca]);
}

/** Renders the configuration into `dir` for these ports and upstream; returns nginx.conf's path. */
export async function renderConfig(dir: string, env: Record<string, string>): Promise<string> {
  await run('sh', [path.join(repo, 'nginx/render-config.sh'), path.join(dir, 'conf')], { env: { ...process.env, RESOLVER: '127.0.0.1', ...env } });
  return path.join(dir, 'conf', 'nginx.conf');
}

/** Starts nginx in front of `upstream` (host:port) and waits until it answers. */
export async function startLoopbackNginx(options: { upstream: string; uploadMaxFileMb?: number; uploadMaxFiles?: number }): Promise<LoopbackNginx> {
  // nginx's workers run unprivileged: they must be able to reach and read the files they serve,
  // so these live in the machine's temp folder, not in this process's private one.
  const dir = fs.mkdtempSync(path.join(MACHINE_TEMP_DIR, 'rag-nginx-'));
  fs.chmodSync(dir, 0o755);
  await run('bash', [path.join(repo, 'ssl/make-cert.sh'), '--host', 'localhost', '--host', '127.0.0.1', '--dir', path.join(dir, 'ssl')]);
  const web = path.join(dir, 'web');
  fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><script type="module" src="/assets/app-3f9a1c.js"></script>\n');
  fs.writeFileSync(path.join(web, 'assets', 'app-3f9a1c.js'), `export const app = ${JSON.stringify('dashboard '.repeat(400))};\n`);
  fs.chmodSync(web, 0o755);
  fs.chmodSync(path.join(web, 'assets'), 0o755);

  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const confFile = await renderConfig(dir, {
    API_UPSTREAM: options.upstream,
    SERVER_NAME: 'localhost',
    NGINX_HTTP_PORT: String(httpPort),
    NGINX_HTTPS_PORT: String(httpsPort),
    PUBLIC_HTTPS_PORT: String(httpsPort),
    UPLOAD_MAX_FILE_MB: String(options.uploadMaxFileMb ?? 100),
    UPLOAD_MAX_FILES: String(options.uploadMaxFiles ?? 20),
    TLS_CERT: path.join(dir, 'ssl/server.crt'),
    TLS_KEY: path.join(dir, 'ssl/server.key'),
    TLS_DHPARAM: path.join(dir, 'ssl/dhparam.pem'),
    WEB_ROOT: web,
    NGINX_RUNTIME_DIR: path.join(dir, 'run'),
    ACCESS_LOG: path.join(dir, 'access.log'),
  });
  for (const sub of ['conf', 'conf/_errors']) fs.chmodSync(path.join(dir, sub), 0o755);
  await run(NGINX_BIN, ['-t', '-q', '-c', confFile]);

  let log = '';
  const child: ChildProcess = spawn(NGINX_BIN, ['-c', confFile, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(httpsPort, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const caFile = path.join(dir, 'ssl/ca.crt');
  trustCa(caFile);
  return {
    httpsUrl: `https://localhost:${httpsPort}`,
    httpUrl: `http://localhost:${httpPort}`,
    httpsPort,
    caFile,
    confFile,
    accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8'),
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
