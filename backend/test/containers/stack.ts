/**
 * The production stack that scripts/test-containers.sh started, as the container tests reach it:
 * docker-compose and podman for the containers, HTTPS through nginx for the product. The script
 * passes what it made (compose arguments, project, addresses, certificate) in RAG_* variables.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';
import type { DocumentDto } from '../../src/contracts/documents.ts';
import type { ChatDoneDto } from '../../src/contracts/chat.ts';
import { readSseTimed } from '../support/sse-stream.ts';

export const run = promisify(execFile);

/** A variable scripts/test-containers.sh sets; the file is meant to be run through it. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this file through scripts/test-containers.sh`);
  return value;
}

export const composeArgs = JSON.parse(env('RAG_COMPOSE_ARGS')) as string[];
export const project = env('RAG_PROJECT');
export const baseUrl = env('RAG_BASE_URL');
export const SERVICES = ['nginx', 'api', 'worker', 'chromadb', 'redis'];

export const compose = (...args: string[]) => run('docker-compose', [...composeArgs, ...args], { maxBuffer: 16 << 20 });
export const podman = (...args: string[]) => run('podman', args, { maxBuffer: 16 << 20 });
export const container = (service: string) => `${project}_${service}_1`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command with `input` on its standard input; resolves with its exit code and output. */
export function runWithInput(command: string, args: string[], input = '', extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

/** Waits until every service's container reports healthy; returns how long that took. */
export async function waitHealthy(timeoutMs = 300_000, services = SERVICES): Promise<number> {
  const started = performance.now();
  let last = '';
  while (performance.now() - started < timeoutMs) {
    const { stdout } = await podman('ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}\t{{.Status}}');
    last = stdout;
    const healthy = services.filter((s) => stdout.split('\n').some((l) => l.startsWith(`${container(s)}\t`) && l.includes('(healthy)')));
    if (healthy.length === services.length) return performance.now() - started;
    await sleep(1000);
  }
  throw new Error(`not every service became healthy in ${timeoutMs} ms:\n${last}`);
}

/** Makes an admin account with the command the README gives (password on standard input). */
export async function createAdmin(account: { email: string; password: string }): Promise<void> {
  const { code, out } = await runWithInput('docker-compose', [...composeArgs, 'exec', '-T', 'api', 'node', 'backend/src/cli/create-admin.ts', '--email', account.email, '--name', 'Ops'], `${account.password}\n`);
  assert.equal(code, 0, out);
}

/**
 * Signs in through nginx. Right after the api restarts, nginx may still hold its old address for
 * the 10 s its resolver keeps a name (502 or 504 in the meantime): give it up to 30 s.
 */
export async function signIn(account: { email: string; password: string }): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    if ((res.status === 502 || res.status === 504) && Date.now() < deadline) {
      await sleep(1000);
      continue;
    }
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { accessToken: string }).accessToken;
  }
}

/** fetch through nginx with the bearer token. */
export function api(token: string) {
  return (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${baseUrl}${pathname}`, { ...init, headers });
  };
}

export async function uploadFiles(token: string, files: { name: string; bytes: Uint8Array; type: string }[]): Promise<Response> {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([f.bytes], { type: f.type }), f.name);
  return api(token)('/api/v1/documents', { method: 'POST', body: form });
}

/** Waits until the document is `ready` (or fails the test with its last state). */
export async function waitReady(token: string, id: string, timeoutMs = 120_000): Promise<DocumentDto> {
  const deadline = Date.now() + timeoutMs;
  let doc: DocumentDto | undefined;
  while (Date.now() < deadline) {
    doc = (await (await api(token)(`/api/v1/documents/${id}`)).json()) as DocumentDto;
    if (doc.status === 'ready' || doc.status === 'failed') break;
    await sleep(500);
  }
  assert.equal(doc?.status, 'ready', JSON.stringify(doc));
  return doc;
}

/** Asks over SSE; returns the events and the final `done` payload. */
export async function ask(token: string, question: string) {
  const started = performance.now();
  const res = await api(token)('/api/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  assert.equal(res.status, 200, res.ok ? '' : await res.text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = await readSseTimed(res, started);
  const done = events.find((e) => e.event === 'done')?.data as ChatDoneDto | undefined;
  assert.ok(done, `no done event: ${JSON.stringify(events.map((e) => e.event))}`);
  return { events, done };
}

/** What must survive restarts and deploys: documents, conversations with their messages, and vectors. */
export async function snapshot(token: string) {
  const docs = (await (await api(token)('/api/v1/documents?limit=100')).json()) as { items: DocumentDto[] };
  const convs = (await (await api(token)('/api/v1/conversations?limit=100')).json()) as { items: { id: string }[] };
  const messages: Record<string, number> = {};
  for (const c of convs.items) {
    const full = (await (await api(token)(`/api/v1/conversations/${c.id}`)).json()) as { messages: unknown[] };
    messages[c.id] = full.messages.length;
  }
  // Chroma is on the internal network only: count the vectors from inside the api container.
  const script = `const b='http://chromadb:8000/api/v2/tenants/default_tenant/databases/default_database/collections';
    const cs=await (await fetch(b)).json(); let n=0;
    for (const c of cs) n += Number(await (await fetch(b+'/'+c.id+'/count')).text());
    console.log(n);`;
  const { stdout } = await podman('exec', container('api'), 'node', '--input-type=module', '-e', script);
  return {
    documents: docs.items.map((d) => `${d.id}:${d.status}:${d.chunkCount}`).sort(),
    conversations: messages,
    vectors: Number(stdout.trim()),
  };
}

/**
 * A test step. The steps of a file build on each other: after a failure the rest fail at once
 * instead of waiting on a broken stack.
 */
export function stepper() {
  let failed = false;
  return (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      if (failed) throw new Error('not run: an earlier step failed');
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });
}
