import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../../test/support/fixtures.ts';
import { parseSamples, samplesOf, type Sample } from '../../test/support/prometheus-text.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';

const TEXT = 'Glaciers lose mass when melting exceeds accumulation. Firn density rises with depth as snow compacts into ice.';

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return parseSamples(await res.text());
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samplesOf(samples, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('/metrics on the api', () => {
  let stack: TestStack;
  let certDir: string;

  before(async () => {
    certDir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'rag-cert-'));
    // A self-signed certificate valid for 20 days: its expiry must come out as a timestamp.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '20', '-subj', '/CN=rag.test', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
    stack = await startStack({ env: { TLS_CERT_FILE: path.join(certDir, 'cert.pem') } });
  });
  after(async () => {
    await stack?.close();
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  it('counts uploads, ingestion, answers, tokens and caches after real work', async () => {
    const pdf = await makePdf([TEXT, 'Ice flows downhill under its own weight.']);
    const { body } = await upload(stack, [{ name: 'glaciers.pdf', bytes: pdf, type: 'application/pdf' }]);
    await stack.waitForStatus(body.documents![0]!.id, ['ready']);
    for (let i = 0; i < 2; i++) {
      const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Why do glaciers lose mass?', stream: false }) });
      assert.equal(res.status, 200);
    }
    const s = await scrape(`${stack.baseUrl}/metrics`);
    assert.equal(value(s, 'rag_http_requests_total', { route: '/api/v1/documents', method: 'POST', status_class: '2xx' }), 1);
    assert.ok(value(s, 'rag_http_requests_total', { route: '/api/v1/documents/:id', method: 'GET', status_class: '2xx' })! >= 1);
    assert.equal(value(s, 'rag_chat_answers_total', { outcome: 'answered' }), 1);
    assert.equal(value(s, 'rag_chat_answers_total', { outcome: 'cached' }), 1);
    assert.equal(value(s, 'rag_answer_cache_requests_total', { result: 'hit' }), 1);
    assert.equal(value(s, 'rag_answer_cache_requests_total', { result: 'miss' }), 1);
    assert.equal(value(s, 'rag_chat_time_to_first_token_seconds_count'), 1);
    for (const leg of ['embed', 'vector', 'keyword', 'fusion']) assert.equal(value(s, 'rag_retrieval_duration_seconds_count', { leg }), 1, leg);
    assert.ok(value(s, 'rag_chat_sources_used_sum')! >= 1);
    const model = stack.config.ollama.chatModel;
    assert.ok(value(s, 'rag_ollama_tokens_total', { direction: 'input', operation: 'chat', model })! > 0);
    assert.ok(value(s, 'rag_ollama_tokens_total', { direction: 'output', operation: 'chat', model })! > 0);
    assert.ok(value(s, 'rag_ollama_tokens_total', { direction: 'input', operation: 'embed', model: stack.config.ollama.embedModel })! > 0);
    assert.equal(value(s, 'rag_ollama_request_duration_seconds_count', { operation: 'chat', model }), 1);
    assert.ok(value(s, 'rag_embedding_cache_requests_total', { result: 'miss' })! >= 2);
    assert.equal(value(s, 'rag_ingest_documents_total', { outcome: 'ready', reason: 'none' }), 1);
    for (const stage of ['parsing', 'chunking', 'embedding', 'indexing']) assert.equal(value(s, 'rag_ingest_stage_duration_seconds_count', { stage }), 1, stage);
    assert.equal(value(s, 'rag_ingest_pages_total'), 2);
    assert.ok(value(s, 'rag_ingest_chunks_total')! >= 1);
    assert.equal(value(s, 'rag_documents', { status: 'ready' }), 1);
    assert.equal(value(s, 'rag_documents', { status: 'failed' }), 0);
    assert.equal(value(s, 'rag_corpus_documents'), 1);
    assert.equal(value(s, 'rag_corpus_bytes'), pdf.length);
    assert.equal(value(s, 'rag_ingest_queue_jobs', { state: 'waiting' }), 0);
    assert.equal(value(s, 'rag_ingest_queue_oldest_waiting_seconds'), 0);
    for (const dependency of ['sqlite', 'redis', 'chroma', 'ollama']) assert.equal(value(s, 'rag_dependency_up', { dependency }), 1, dependency);
    assert.ok(value(s, 'rag_data_dir_free_bytes')! > 0);
    assert.ok(value(s, 'process_resident_memory_bytes')! > 0);
    assert.ok(samplesOf(s, 'nodejs_eventloop_lag_p99_seconds').length === 1);
  });

  it('reports failures by kind and reason: Ollama down, an unreadable upload', async () => {
    await stack.emulator.down();
    try {
      const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'What compacts into ice?', stream: false }) });
      assert.equal(res.status, 503);
      const s = await scrape(`${stack.baseUrl}/metrics`);
      assert.equal(value(s, 'rag_chat_answers_total', { outcome: 'failed' }), 1);
      assert.ok(value(s, 'rag_ollama_errors_total', { operation: 'embed', kind: 'unreachable' })! >= 1);
      assert.equal(value(s, 'rag_dependency_up', { dependency: 'ollama' }), 0);
    } finally {
      await stack.emulator.up();
    }
    const { body } = await upload(stack, [{ name: 'empty.txt', bytes: '   \n  ', type: 'text/plain' }]);
    await stack.waitForStatus(body.documents![0]!.id, ['failed']);
    const s = await scrape(`${stack.baseUrl}/metrics`);
    assert.equal(value(s, 'rag_ingest_documents_total', { outcome: 'failed', reason: 'no_text' }), 1);
    assert.equal(value(s, 'rag_documents', { status: 'failed' }), 1);
  });

  it('counts an answer the asker walked away from as aborted', async () => {
    stack.emulator.faults.tokenDelayMs = 200;
    try {
      const controller = new AbortController();
      const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Tell me all about firn density and depth.' }), signal: controller.signal });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('event: token')) seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      let aborted: number | undefined;
      for (let i = 0; i < 100 && aborted === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        aborted = value(await scrape(`${stack.baseUrl}/metrics`), 'rag_chat_answers_total', { outcome: 'aborted' });
      }
      assert.equal(aborted, 1);
    } finally {
      stack.emulator.faults.tokenDelayMs = 0;
    }
  });

  it('keeps the number of series fixed however many ids and bad paths are asked for', async () => {
    const probe = async () => {
      const id = randomUUID();
      await Promise.all([
        stack.fetch(`/api/v1/documents/${id}`),
        stack.fetch(`/api/v1/documents/${id}/file`),
        stack.fetch(`/api/v1/documents/${id}`, { method: 'DELETE' }),
        stack.fetch(`/api/v1/documents/${id}/retry`, { method: 'POST' }),
        stack.fetch(`/api/v1/conversations/${id}`),
        stack.fetch(`/api/v1/collections/${id}`),
        stack.fetch(`/API/V1/Documents/${id.toUpperCase()}`),
        stack.fetch(`/api/v1/documents/${id}/`),
        stack.fetch(`/api/v1/${id}`),
        stack.fetch(`/${id}/../etc/passwd`),
        stack.fetch(`/nothing-here/${id}?q=${id}`),
        stack.fetch(`/api/v1/documents?collectionId=${id}`),
        stack.fetch(`/api/v1/documents/${id}`, { token: '' }),
        stack.fetch(`/api/v1/documents/${id}`, { method: 'PROPFIND' }),
      ]);
    };
    const seriesCount = async () => (await scrape(`${stack.baseUrl}/metrics`)).filter((x) => x.name.startsWith('rag_http_')).length;
    await probe();
    const before = await seriesCount();
    for (let i = 0; i < 25; i++) await probe();
    assert.equal(await seriesCount(), before);
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-/i, 'no id appears in any label');
    assert.doesNotMatch(text, /nothing-here|passwd/);
    const routes = new Set(samplesOf(parseSamples(text), 'rag_http_requests_total').map((x) => x.labels.route));
    assert.ok(routes.has('/api/v1/documents/:id'));
    assert.ok(routes.has('unmatched'));
    // A 404 handed on to the error handler still carries its whole template, not a bare `/:id`.
    for (const route of routes) assert.match(route!, /^(unmatched|web|\/api\/v1\/|\/(health|ready|metrics)$)/);
  });

  it('exports when the TLS certificate expires, and the last backup once the backup script has written it', async () => {
    let s = await scrape(`${stack.baseUrl}/metrics`);
    const expiry = value(s, 'rag_tls_certificate_expiry_timestamp_seconds')!;
    const days = (expiry - Date.now() / 1000) / 86400;
    assert.ok(days > 19 && days <= 20, `expiry in ${days} days`);
    assert.equal(value(s, 'rag_backup_last_success_timestamp_seconds'), 0, 'no backup yet');
    assert.equal(value(s, 'rag_backup_last_size_bytes'), 0);

    const time = new Date(Date.now() - 3600_000).toISOString();
    fs.mkdirSync(path.dirname(stack.config.paths.backupStatus), { recursive: true });
    fs.writeFileSync(stack.config.paths.backupStatus, JSON.stringify({ time, sizeBytes: 123456, durationSeconds: 42.5 }));
    s = await scrape(`${stack.baseUrl}/metrics`);
    assert.equal(value(s, 'rag_backup_last_success_timestamp_seconds'), Date.parse(time) / 1000);
    assert.equal(value(s, 'rag_backup_last_size_bytes'), 123456);
    assert.equal(value(s, 'rag_backup_last_duration_seconds'), 42.5);
  });
});

describe('/metrics of a worker-only process', () => {
  let emulator: OllamaEmulator;
  let worker: TestStack;

  before(async () => {
    emulator = await startOllamaEmulator();
    worker = await startStack({ emulator, env: { ROLES: 'worker' } });
  });
  after(async () => {
    await worker?.close();
    await emulator?.close();
  });

  it('answers on its own port (METRICS_PORT) and nothing else there', async () => {
    const { port } = worker.app.metricsServer!.address() as AddressInfo;
    // The cache connection is still opening right after start; it reports up once it is ready.
    let s = await scrape(`http://127.0.0.1:${port}/metrics`);
    for (let i = 0; i < 50 && value(s, 'rag_dependency_up', { dependency: 'redis' }) !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await scrape(`http://127.0.0.1:${port}/metrics`);
    }
    assert.equal(value(s, 'rag_dependency_up', { dependency: 'redis' }), 1);
    assert.ok(samplesOf(s, 'process_cpu_seconds_total').length === 1);
    assert.equal(samplesOf(s, 'rag_tls_certificate_expiry_timestamp_seconds').length, 0, 'no TLS_CERT_FILE, no series');
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
  });
});
