/**
 * The deployment files checked by their own tools: docker-compose.production.yml by
 * `docker-compose config`, .env.production.example against the variables the product reads, and
 * the scripts that make secrets and certificates.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ENV_VARIABLES } from '../../src/config.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const composeFile = path.join(repo, 'docker-compose.production.yml');
const example = fs.readFileSync(path.join(repo, '.env.production.example'), 'utf8');

interface Service {
  image: string;
  ports?: unknown[];
  healthcheck?: { test: string[] };
  restart?: string;
  mem_limit?: string | number;
  logging?: { driver: string; options: Record<string, string> };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  networks?: Record<string, unknown>;
  user?: string;
}

/** `docker-compose config` of the production file with this env file, as an object. */
type Resolved = { services: Record<string, Service>; networks: Record<string, { internal?: boolean }> };
const resolved = new Map<string, Promise<Resolved>>();
function resolvedCompose(envFile: string): Promise<Resolved> {
  if (!resolved.has(envFile)) resolved.set(envFile, resolveCompose(envFile));
  return resolved.get(envFile)!;
}

async function resolveCompose(envFile: string, extraEnv: Record<string, string> = {}): Promise<Resolved> {
  const env = { ...process.env, RAG_ENV_FILE: envFile, ...extraEnv };
  const { stdout } = await run('docker-compose', ['--env-file', envFile, '-f', composeFile, 'config'], { env });
  // python3-yaml comes with docker-compose.
  const child = execFile('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))']);
  const out = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`python3 exited with ${code}`))));
  });
  child.stdin!.end(stdout);
  return JSON.parse(await out);
}

describe('deployment files', () => {
  let dir: string;
  let envFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-deploy-'));
    envFile = path.join(dir, '.env.production');
    await run('bash', [path.join(repo, 'scripts/generate-env.sh'), '--output', envFile, '--set', 'SERVER_NAME=rag.test']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists every variable the product reads in .env.production.example, each with a comment', () => {
    const lines = example.split('\n');
    for (const name of ENV_VARIABLES) {
      const at = lines.findIndex((l) => new RegExp(`^(# )?${name}=`).test(l));
      assert.ok(at > 0, `${name} is missing from .env.production.example`);
      assert.match(lines[at - 1]!, /^# \S/, `${name} has no comment above it`);
    }
  });

  it('lists every variable the compose file reads in .env.production.example', () => {
    const compose = fs.readFileSync(composeFile, 'utf8');
    const used = new Set([...compose.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    // Build-time and file-location variables come from the shell, not from the env file.
    for (const name of ['EXTRA_CA_CERT', 'RAG_ENV_FILE', 'TLS_DIR']) used.delete(name);
    for (const name of used) assert.match(example, new RegExp(`^(# )?${name}=`, 'm'), `${name} is missing from .env.production.example`);
  });

  it('holds no working secret in the example', () => {
    assert.match(example, /^AUTH_JWT_SECRET=$/m);
    assert.match(example, /^REDIS_PASSWORD=$/m);
  });

  it('generates .env.production with fresh secrets, mode 600, and never overwrites one by accident', async () => {
    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600);
    const env = fs.readFileSync(envFile, 'utf8');
    const secret = /^AUTH_JWT_SECRET=([0-9a-f]+)$/m.exec(env)?.[1];
    const password = /^REDIS_PASSWORD=([0-9a-f]+)$/m.exec(env)?.[1];
    assert.ok(secret && secret.length >= 64, 'no JWT secret');
    assert.ok(password && password.length >= 32, 'no Redis password');
    assert.match(env, new RegExp(`^REDIS_URL=redis://:${password}@redis:6379$`, 'm'));
    assert.match(env, /^SERVER_NAME=rag\.test$/m);
    await assert.rejects(run('bash', [path.join(repo, 'scripts/generate-env.sh'), '--output', envFile]), (err: { code: number }) => err.code === 1);
    assert.equal(fs.readFileSync(envFile, 'utf8'), env);
  });

  it('pins the third-party images the project builds on', () => {
    assert.match(fs.readFileSync(path.join(repo, 'chroma/Dockerfile'), 'utf8'), /^FROM chromadb\/chroma:\d+\.\d+\.\d+$/m);
    for (const file of ['backend/Dockerfile', 'nginx/Dockerfile']) {
      for (const [, image] of fs.readFileSync(path.join(repo, file), 'utf8').matchAll(/^FROM (\S+)/gm)) assert.match(image!, /:[\w.-]*\d/, `${file}: ${image} is not pinned`);
    }
  });

  it('passes `docker-compose config` and publishes ports from nginx only', async () => {
    const { services } = await resolvedCompose(envFile);
    assert.deepEqual(Object.keys(services).sort(), ['api', 'chromadb', 'nginx', 'redis', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      if (name === 'nginx') assert.equal(service.ports?.length, 2);
      else assert.equal(service.ports, undefined, `${name} publishes ports`);
    }
  });

  it('gives every service a healthcheck, a restart policy, a memory limit, rotated logs and a pinned image', async () => {
    const { services } = await resolvedCompose(envFile);
    for (const [name, s] of Object.entries(services)) {
      assert.ok(s.healthcheck?.test.length, `${name} has no healthcheck`);
      assert.doesNotMatch(s.healthcheck!.test.join(' '), /\bcurl\b|\bwget\b/, `${name}'s healthcheck needs a tool its image may lack`);
      assert.equal(s.restart, 'unless-stopped', name);
      assert.ok(s.mem_limit, `${name} has no memory limit`);
      assert.equal(s.logging?.driver, 'json-file', name);
      assert.ok(s.logging?.options['max-size'] && s.logging.options['max-file'], `${name}'s logs are not rotated`);
      // The project's own images carry the release being deployed; others a version number.
      if (/^onprem-rag\/(backend|nginx):/.test(s.image)) assert.equal(s.image.split(':')[1], /^RAG_VERSION=(.*)$/m.exec(fs.readFileSync(envFile, 'utf8'))![1]!);
      else assert.match(s.image, /:\d+\.\d+\.\d+/, `${name}'s image is not pinned: ${s.image}`);
    }
    for (const name of ['api', 'worker']) {
      for (const dep of ['redis', 'chromadb']) assert.equal(services[name]!.depends_on?.[dep]?.condition, 'service_healthy');
    }
    assert.equal(services.nginx!.depends_on?.api?.condition, 'service_healthy');
  });

  it('keeps Redis and Chroma on an internal network and trusts forwarded addresses from nginx alone', async () => {
    const { services, networks } = await resolvedCompose(envFile);
    assert.equal(networks.internal?.internal, true);
    assert.deepEqual(Object.keys(services.redis!.networks ?? {}), ['internal']);
    assert.deepEqual(Object.keys(services.chromadb!.networks ?? {}), ['internal']);
    const nginxIp = (services.nginx!.networks!.internal as { ipv4_address: string }).ipv4_address;
    assert.equal(services.api!.environment?.TRUST_PROXY, nginxIp);
    assert.equal(services.api!.environment?.ROLES, 'api');
    assert.equal(services.worker!.environment?.ROLES, 'worker');
    assert.match(services.redis!.healthcheck!.test.join(' '), /REDISCLI_AUTH/);
  });

  it('refuses to start Redis without a password', async () => {
    const bare = path.join(dir, 'bare.env');
    fs.writeFileSync(bare, fs.readFileSync(envFile, 'utf8').replace(/^REDIS_PASSWORD=.*$/m, 'REDIS_PASSWORD='));
    await assert.rejects(resolvedCompose(bare), /REDIS_PASSWORD/);
  });

  it('makes a local CA and a server certificate with keys nobody else can read', async () => {
    const ssl = path.join(dir, 'ssl');
    await run('bash', [path.join(repo, 'ssl/make-cert.sh'), '--host', 'rag.test', '--host', '10.0.0.5', '--dir', ssl]);
    await run('openssl', ['verify', '-CAfile', path.join(ssl, 'ca.crt'), path.join(ssl, 'server.crt')]);
    const { stdout } = await run('openssl', ['x509', '-in', path.join(ssl, 'server.crt'), '-noout', '-ext', 'subjectAltName']);
    assert.match(stdout, /DNS:rag\.test/);
    assert.match(stdout, /IP Address:10\.0\.0\.5/);
    assert.equal(fs.statSync(path.join(ssl, 'ca.key')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(ssl, 'server.key')).mode & 0o077 & ~0o040, 0, 'server.key is readable by others');
    assert.ok(fs.existsSync(path.join(ssl, 'dhparam.pem')));
  });

  it('installs an organisation\'s certificate only with its own key', async () => {
    const org = path.join(dir, 'org');
    fs.mkdirSync(org);
    for (const name of ['a', 'b']) {
      await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(org, `${name}.key`), '-out', path.join(org, `${name}.crt`), '-days', '1', '-subj', `/CN=${name}.test`]);
    }
    const target = path.join(dir, 'org-ssl');
    await assert.rejects(run('bash', [path.join(repo, 'ssl/make-cert.sh'), '--cert', path.join(org, 'a.crt'), '--key', path.join(org, 'b.key'), '--dir', target]), (err: { code: number }) => err.code === 1);
    await run('bash', [path.join(repo, 'ssl/make-cert.sh'), '--cert', path.join(org, 'a.crt'), '--key', path.join(org, 'a.key'), '--dir', target]);
    assert.equal(fs.readFileSync(path.join(target, 'server.crt'), 'utf8'), fs.readFileSync(path.join(org, 'a.crt'), 'utf8'));
  });
});
