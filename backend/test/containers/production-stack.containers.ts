/**
 * The production stack for real: the images built from the project's Dockerfiles, started with
 * docker-compose.production.yml on a container engine, reached only through nginx over HTTPS.
 * Run by scripts/test-containers.sh, which builds the images, makes the certificate and the
 * .env.production with the project's own scripts, and passes what it made in RAG_* variables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { DocumentDto } from '../../src/contracts/documents.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contracts/events.ts';
import { makeDocx, makePdf } from '../support/fixtures.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../support/ollama-emulator.ts';
import { firstTokenAndEnd } from '../support/sse-stream.ts';
import {
  ask, baseUrl, composeArgs, compose, container, createAdmin, env, podman, run, runWithInput,
  SERVICES, signIn as signInAs, sleep, snapshot, stepper, uploadFiles, waitHealthy, waitReady,
} from './stack.ts';

const httpUrl = env('RAG_HTTP_URL');
const tlsHostPort = env('RAG_TLS_HOSTPORT');
const caFile = env('RAG_CA_FILE');
const admin = { email: 'ops@example.org', password: `pw-${crypto.randomUUID()}` };
const maxFileMb = Number(env('RAG_UPLOAD_MAX_FILE_MB'));
const maxFiles = Number(env('RAG_UPLOAD_MAX_FILES'));
/** The monitoring file's services run here: every one but Grafana, which has no stand-in. */
const MONITORING = ['prometheus', 'alertmanager', 'node-exporter', 'redis-exporter'];
const monitoringArgs = [...composeArgs, '-f', env('RAG_MONITORING_FILE')];
const openssl = (args: string[]) => runWithInput('openssl', args);
const signIn = () => signInAs(admin);
const step = stepper();

/** A PDF of about `bytes` size with a single page of text (the rest is an attachment). */
async function pdfOfSize(bytes: number, text: string): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib');
  const doc = await PDFDocument.load(await makePdf([text]));
  const filler = new Uint8Array(bytes - 4096);
  for (let i = 0; i < filler.length; i += 65536) crypto.getRandomValues(filler.subarray(i, Math.min(i + 65536, filler.length)));
  await doc.attach(filler, 'filler.bin', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

describe('the production stack in containers', () => {
  let emulator: OllamaEmulator;
  let token = '';
  let before1: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    // Ollama on the host, listening where containers reach it (host.docker.internal).
    emulator = await startOllamaEmulator({ port: Number(env('RAG_EMULATOR_PORT')), host: '0.0.0.0' });
  });
  after(async () => {
    await emulator?.close();
  });

  step('starts with `up -d` and every service becomes healthy', async () => {
    const started = performance.now();
    await compose('up', '-d', '--no-build');
    const healthyAfter = await waitHealthy();
    process.stdout.write(`# figure: from up to all healthy ${((performance.now() - started) / 1000).toFixed(1)} s (${(healthyAfter / 1000).toFixed(1)} s after up returned)\n`);
  });

  step('creates the first admin with the command the README gives', async () => {
    await createAdmin(admin);
  });

  step('publishes ports from nginx only', async () => {
    for (const service of SERVICES) {
      const { stdout } = await podman('port', container(service)).catch(() => ({ stdout: '' }));
      if (service === 'nginx') assert.match(stdout, /8443\/tcp -> 127\.0\.0\.1:\d+/);
      else assert.equal(stdout.trim(), '', `${service} publishes ${stdout}`);
    }
  });

  step('runs every process of every container as a non-root user', async () => {
    for (const service of SERVICES) {
      const { stdout } = await podman('top', container(service), 'huser', 'args');
      const rows = stdout.trim().split('\n').slice(1);
      assert.ok(rows.length > 0, `${service} has no process`);
      for (const row of rows) assert.doesNotMatch(row, /^root\s/, `${service} runs as root: ${row}`);
    }
  });

  step('redirects plain HTTP to HTTPS', async () => {
    const res = await fetch(`${httpUrl}/documents?x=1`, { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), `${baseUrl}/documents?x=1`);
  });

  step('refuses TLS 1.1 and accepts TLS 1.3 with a certificate the test CA vouches for', async () => {
    // The client allows TLS 1.1 at security level 0, so only the server can refuse it.
    const old = await openssl(['s_client', '-connect', tlsHostPort, '-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0', '-CAfile', caFile]);
    assert.notEqual(old.code, 0, `TLS 1.1 handshake succeeded:\n${old.out}`);
    assert.match(old.out, /Cipher is \(NONE\)/);
    const modern = await openssl(['s_client', '-connect', tlsHostPort, '-servername', 'localhost', '-tls1_3', '-CAfile', caFile, '-verify_return_error']);
    assert.equal(modern.code, 0, modern.out);
    assert.match(modern.out, /New, TLSv1\.3, Cipher is TLS_/);
    assert.match(modern.out, /Verify return code: 0 \(ok\)/);
  });

  step('serves the dashboard with security headers, an uncached index and long-cached assets', async () => {
    const index = await fetch(`${baseUrl}/`);
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(index.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    const asset = /(?:src|href)="(\/assets\/[^"]+)"/.exec(html)?.[1];
    assert.ok(asset, 'index.html names no hashed asset');
    const res = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
  });

  step('signs in, shows upload progress over wss through nginx, and makes a PDF and a DOCX ready', async () => {
    token = await signIn();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(baseUrl, { transports: ['websocket'], forceNew: true, auth: { token } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await socket.emitWithAck('subscribe', { collectionIds: ['default'] });
      const progress: string[] = [];
      const ready = new Set<string>();
      socket.on('document.progress', (p) => progress.push(p.documentId));
      socket.on('document.ready', (d) => ready.add(d.id));
      socket.on('document.failed', (d) => ready.add(`failed:${d.id}`));

      const pdf = await makePdf(['The lighthouse keeper logs the fog signal every night.', 'Page two: the harbour master approves repairs.']);
      const docx = await makeDocx([{ heading: 'Maintenance', text: 'The lighthouse lamp is cleaned each Monday by the keeper.' }]);
      const res = await uploadFiles(token, [
        { name: 'lighthouse.pdf', bytes: pdf, type: 'application/pdf' },
        { name: 'maintenance.docx', bytes: docx, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      ]);
      assert.equal(res.status, 202, await res.clone().text());
      const ids = ((await res.json()) as { documents: DocumentDto[] }).documents.map((d) => d.id);
      assert.equal(ids.length, 2);
      const deadline = Date.now() + 120_000;
      while (!ids.every((id) => ready.has(id)) && Date.now() < deadline) {
        assert.ok(![...ready].some((r) => r.startsWith('failed:')), `a document failed: ${[...ready].join(', ')}`);
        await sleep(200);
      }
      assert.ok(ids.every((id) => ready.has(id)), `not ready over the socket: ${ids.filter((id) => !ready.has(id)).join(', ')}`);
      for (const id of ids) assert.ok(progress.includes(id), `no progress event for ${id}`);
    } finally {
      socket.disconnect();
    }
  });

  step('streams a cited answer over SSE whose first token arrives before the stream ends', async () => {
    emulator.faults.tokenDelayMs = 40;
    try {
      const { events, done } = await ask(token, 'How often does the keeper clean the lighthouse lamp?');
      const { firstToken, end } = firstTokenAndEnd(events);
      assert.ok(done.citations.length > 0, 'the answer cites nothing');
      assert.ok(firstToken.read < end.read, `the first token came in the same read as the end (read ${firstToken.read}): nginx buffered the stream`);
      process.stdout.write(`# figure: first token through nginx after ${firstToken.atMs.toFixed(0)} ms, end after ${end.atMs.toFixed(0)} ms\n`);
    } finally {
      emulator.faults.tokenDelayMs = 0;
    }
  });

  step('accepts a file just under the upload limit and answers 413 in the JSON shape above it', async () => {
    const near = await pdfOfSize(maxFileMb * 1024 * 1024 - 64 * 1024, 'The foghorn sounds twice a minute in dense fog.');
    const ok = await uploadFiles(token, [{ name: 'near-limit.pdf', bytes: near, type: 'application/pdf' }]);
    assert.equal(ok.status, 202, await ok.clone().text());
    const nearId = ((await ok.json()) as { documents: DocumentDto[] }).documents[0]!.id;

    // Over the per-file limit, within nginx's body limit: the api's own 413.
    const over = await uploadFiles(token, [{ name: 'over.txt', bytes: new Uint8Array(maxFileMb * 1024 * 1024 + 256 * 1024).fill(97), type: 'text/plain' }]);
    assert.equal(over.status, 413);
    const overBody = (await over.json()) as { error: { code: string; message: string } };
    assert.equal(overBody.error.code, 'payload_too_large');

    // Over the whole request limit: nginx answers itself, in the same shape.
    const huge = new Uint8Array((maxFileMb * maxFiles + 2) * 1024 * 1024).fill(98);
    const refused = await uploadFiles(token, [{ name: 'huge.txt', bytes: huge, type: 'text/plain' }]);
    assert.equal(refused.status, 413);
    assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'payload_too_large');
    assert.equal(typeof body.error.message, 'string');

    await waitReady(token, nearId);
  });

  step('answers 502 or 504 in the JSON shape while the api is away', async () => {
    before1 = await snapshot(token);
    assert.ok(before1.vectors > 0, 'no vectors in Chroma');
    assert.ok(Object.keys(before1.conversations).length > 0, 'no conversation saved');
    await compose('stop', 'api');
    // Refused (502) or unanswered until nginx gives up (504), depending on how the engine drops
    // a stopped container's address; either way nginx answers itself, in the api's shape.
    const res = await fetch(`${baseUrl}/api/v1/auth/me`);
    assert.ok([502, 504].includes(res.status), `status ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
    assert.equal(body.error.code, res.status === 502 ? 'bad_gateway' : 'gateway_timeout');
  });

  step('keeps documents, conversations and vectors across `restart api worker`', async () => {
    await compose('restart', 'api', 'worker');
    await waitHealthy();
    token = await signIn();
    assert.deepEqual(await snapshot(token), before1);
  });

  step('keeps documents, conversations and vectors across `down` and `up`, and still answers from them', async () => {
    await compose('down');
    const started = performance.now();
    await compose('up', '-d', '--no-build');
    await waitHealthy();
    process.stdout.write(`# figure: from up to all healthy with existing volumes ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    token = await signIn();
    assert.deepEqual(await snapshot(token), before1);
    const { done } = await ask(token, 'Which signal does the lighthouse keeper log every night?');
    assert.ok(done.citations.length > 0, 'no citation after the restart');
  });

  step('brings up the monitoring file beside it (all but Grafana), and Prometheus scrapes every target', async () => {
    const mon = (...args: string[]) => run('docker-compose', [...monitoringArgs, ...args], { maxBuffer: 16 << 20 });
    // nginx's running configuration with the shipped /grafana/ location included and no Grafana on
    // the network: it still passes `nginx -t` (the include is written where the location glob points).
    const grafanaConf = readFileSync(new URL('../../../monitoring/nginx/grafana.conf', import.meta.url), 'utf8');
    const check = await runWithInput('docker-compose', [...composeArgs, 'exec', '-T', 'nginx', 'sh', '-c',
      'set -e; d=/tmp/grafana-check; rm -rf $d; cp -r /tmp/nginx/conf $d; cat >$d/grafana.conf; ' +
      'grep -rl -e /tmp/nginx/conf -e /etc/nginx/locations $d | xargs sed -i -e "s#/tmp/nginx/conf#$d#g" -e "s#/etc/nginx/locations/[*][.]conf#$d/grafana.conf#g"; ' +
      'grep -rq "include $d/grafana.conf" $d; nginx -t -c $d/nginx.conf; rm -rf $d'], grafanaConf);
    assert.equal(check.code, 0, check.out);
    await mon('up', '-d', '--no-build', ...MONITORING);
    await waitHealthy(180_000, MONITORING);
    const promGet = async (path: string) => {
      const { stdout } = await mon('exec', '-T', 'prometheus', 'wget', '-q', '-O', '-', `http://127.0.0.1:9090${path}`);
      return JSON.parse(stdout) as { data: Record<string, unknown> & { activeTargets?: { labels: { job: string }; health: string }[]; result?: { metric: { job: string } }[] } };
    };
    const jobs = ['rag-api', 'rag-worker', 'node', 'redis', 'alertmanager'];
    let health: Record<string, string[]> = {};
    let present: string[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(2000)) {
      health = {};
      for (const t of (await promGet('/api/v1/targets?state=active')).data.activeTargets ?? []) (health[t.labels.job] ??= []).push(t.health);
      const query = encodeURIComponent('count by (job) ({__name__=~"rag_.+", job=~"rag-api|rag-worker"})');
      present = ((await promGet(`/api/v1/query?query=${query}`)).data.result ?? []).map((r) => r.metric.job).sort();
      if (jobs.every((j) => health[j]?.length && health[j].every((h) => h === 'up')) && present.length === 2) break;
    }
    for (const job of jobs) assert.ok(health[job]?.length && health[job].every((h) => h === 'up'), `${job}: ${JSON.stringify(health)}`);
    assert.deepEqual(present, ['rag-api', 'rag-worker']);
    await mon('rm', '-s', '-f', '-v', ...MONITORING);
  });
});
