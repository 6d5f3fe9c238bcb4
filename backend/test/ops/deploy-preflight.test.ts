import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOllamaEmulator, type OllamaEmulator } from '../support/ollama-emulator.ts';
import { repoRoot, script } from '../support/shell.ts';

const port = () => 46000 + Math.floor(Math.random() * 700);

/** A self-signed certificate for `host`, valid for `days` days, as server.crt and server.key in `dir`. */
function makeCertificate(dir: string, host: string, days: number): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt'), '-days', String(days), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], { stdio: 'ignore' });
}

describe('scripts/deploy-production.sh pre-flight: each failure stops with its message before anything changes', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-deploy-'));
  const socket = path.join(dir, 'engine.sock');
  const history = path.join(dir, 'deploy-history.log');
  const backups = path.join(dir, 'backups');
  let engine: ChildProcess;
  let emulator: OllamaEmulator;
  let base: Record<string, string>;
  const env = { DOCKER_HOST: `unix://${socket}`, DEPLOY_HISTORY: history };

  /** Writes an env file from the example's variables, the good values, and `change` (null removes one). */
  const envFile = (change: Record<string, string | null> = {}, mode = 0o600): string => {
    const values: Record<string, string> = {};
    const example = path.join(repoRoot, '.env.production.example');
    if (fs.existsSync(example)) {
      for (const m of fs.readFileSync(example, 'utf8').matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)) values[m[1]!] = m[2]! || 'set';
    }
    Object.assign(values, base);
    for (const [k, v] of Object.entries(change)) {
      if (v === null) delete values[k];
      else values[k] = v;
    }
    const file = path.join(dir, `env-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode });
    fs.chmodSync(file, mode);
    return file;
  };
  const preflight = (file: string, ...args: string[]) => script('deploy-production.sh', ['preflight', '--env-file', file, '--min-free-gb', '1', ...args], env);

  before(async () => {
    // A real container engine API (Podman's Docker-compatible service) answering the version check.
    engine = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
    // Its first answer can take a while (the service sets itself up on the first request).
    execFileSync('curl', ['-sf', '--retry', '10', '--retry-all-errors', '--max-time', '60', '--unix-socket', socket, 'http://engine/version'], { stdio: 'ignore' });
    emulator = await startOllamaEmulator();
    makeCertificate(path.join(dir, 'ssl'), 'rag.test', 90);
    makeCertificate(path.join(dir, 'ssl-expiring'), 'rag.test', 5);
    const redisPassword = 'Rz8vQm2pLx7tWk4nHs9dFy3cBj6gTa5e';
    base = {
      SERVER_NAME: 'rag.test',
      AUTH_JWT_SECRET: 'q7Vb2Nc9Xm4Kd8Lp3Rt6Wy1Zh5Jf0Gs2Ae7Uo4Ii',
      REDIS_PASSWORD: redisPassword,
      REDIS_URL: `redis://:${redisPassword}@redis:6379`,
      OLLAMA_HOST: emulator.url,
      OLLAMA_CHAT_MODEL: 'llama3.2:3b',
      OLLAMA_EMBED_MODEL: 'nomic-embed-text',
      TLS_DIR: path.join(dir, 'ssl'),
      HTTP_PORT: String(port()),
      HTTPS_PORT: String(port()),
    };
  });
  after(async () => {
    engine?.kill('SIGTERM');
    await emulator?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes when everything is in order', async () => {
    const result = await preflight(envFile());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /ok {4}container engine: Podman \d/);
    assert.match(result.stderr, /ok {4}Ollama has nomic-embed-text:latest/);
    assert.match(result.stderr, /pre-flight passed/);
  });

  const failures: [string, () => string, RegExp, string[]?][] = [
    ['a missing variable', () => envFile({ AUTH_JWT_SECRET: null }), /FAIL {2}\S+ does not set: AUTH_JWT_SECRET/],
    ['a weak secret', () => envFile({ AUTH_JWT_SECRET: 'changeme-changeme-changeme-changeme' }), /FAIL {2}AUTH_JWT_SECRET is weak: a placeholder/],
    ['a short Redis password', () => envFile({ REDIS_PASSWORD: 'abc123', REDIS_URL: 'redis://:abc123@redis:6379' }), /FAIL {2}REDIS_PASSWORD is weak: shorter than 24/],
    ['an env file others can read', () => envFile({}, 0o644), /FAIL {2}\S+ has mode 644: it holds secrets, run chmod 600/],
    ['a certificate expiring within 14 days', () => envFile({ TLS_DIR: path.join(dir, 'ssl-expiring') }), /FAIL {2}the certificate \S+ expires within 14 days/],
    ['no certificate', () => envFile({ TLS_DIR: path.join(dir, 'nowhere') }), /FAIL {2}no certificate: \S+server\.crt and \S+server\.key must exist/],
    ['a certificate for another host', () => envFile({ SERVER_NAME: 'other.test' }), /FAIL {2}the certificate is not for SERVER_NAME=other\.test/],
    ['too little free disk', () => envFile(), /FAIL {2}only \d+ MB free on .*GB are needed/, ['--min-free-gb', '100000000']],
  ];
  for (const [what, file, message, args] of failures) {
    it(`stops on ${what}`, async () => {
      const result = await preflight(file(), ...(args ?? []));
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /pre-flight failed \(1 problem\(s\)\); nothing was changed/);
    });
  }

  it('stops when Ollama is unreachable, and when it lacks a model', async () => {
    await emulator.down();
    try {
      const result = await preflight(envFile());
      assert.equal(result.code, 3);
      assert.match(result.stderr, /FAIL {2}Ollama does not answer at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await emulator.up();
    }
    emulator.faults.missingModels = ['llama3.2:3b'];
    try {
      const result = await preflight(envFile());
      assert.equal(result.code, 3);
      assert.match(result.stderr, /FAIL {2}Ollama lacks the model llama3\.2:3b: ollama pull llama3\.2:3b/);
    } finally {
      emulator.reset();
    }
  });

  it('stops when another program holds the HTTPS port', async () => {
    const httpsPort = port();
    const server = net.createServer().listen(httpsPort, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const result = await preflight(envFile({ HTTPS_PORT: String(httpsPort) }));
      assert.equal(result.code, 3);
      assert.match(result.stderr, new RegExp(`FAIL {2}port ${httpsPort} is taken by another program`));
    } finally {
      server.close();
    }
  });

  it('stops when no container engine answers', async () => {
    const result = await script('deploy-production.sh', ['preflight', '--env-file', envFile(), '--min-free-gb', '1'], { ...env, DOCKER_HOST: `unix://${dir}/none.sock` });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /FAIL {2}no container engine answers/);
  });

  it('a deploy whose pre-flight fails changes nothing: no backup, no build, no history entry', async () => {
    const result = await script('deploy-production.sh', ['--version', 'test-1', '--env-file', envFile({ AUTH_JWT_SECRET: null }), '--backup-dir', backups, '--min-free-gb', '1'], env);
    assert.equal(result.code, 3, result.stderr);
    assert.doesNotMatch(result.stderr, /backing up|building images|starting/);
    assert.equal(fs.existsSync(backups), false);
    assert.equal(fs.existsSync(history), false);
  });
});
