import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOllamaClient, type LlmClient } from '../clients/ollama.ts';
import { parseSamples, samplesOf } from '../../test/support/prometheus-text.ts';
import { startOllamaEmulator, type OllamaEmulator } from '../../test/support/ollama-emulator.ts';
import { createMetrics, ollamaObserver, type Metrics } from './metrics.ts';

const CHAT = 'llama3.2:3b';
const EMBED = 'nomic-embed-text';

async function value(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const samples = samplesOf(parseSamples(await metrics.registry.metrics()), name);
  return samples.find((s) => Object.entries(labels).every(([k, x]) => s.labels[k] === x))?.value;
}

describe('Ollama metrics, from what the real client sees', () => {
  let emulator: OllamaEmulator;
  let metrics: Metrics;
  let llm: LlmClient;

  before(async () => {
    emulator = await startOllamaEmulator();
  });
  after(() => emulator.close());
  const fresh = () => {
    emulator.reset();
    metrics = createMetrics();
    llm = createOllamaClient({ ollama: { host: emulator.url, chatModel: CHAT, embedModel: EMBED, timeoutMs: 1000, embedBatchSize: 8 } }, ollamaObserver(metrics));
  };

  it("counts tokens from Ollama's own prompt_eval_count and eval_count, and times each request", async () => {
    fresh();
    await llm.embed(['glaciers retreat', 'firn compacts'], { model: EMBED });
    let answer = '';
    for await (const token of llm.chat([{ role: 'user', content: 'Why do glaciers retreat?' }], { model: CHAT, temperature: 0 })) answer += token;
    assert.ok(answer.length > 0);
    const request = emulator.stats.lastChatRequest!;
    assert.equal(request.model, CHAT);
    assert.ok((await value(metrics, 'rag_ollama_tokens_total', { direction: 'input', operation: 'embed', model: EMBED }))! > 0);
    assert.ok((await value(metrics, 'rag_ollama_tokens_total', { direction: 'input', operation: 'chat', model: CHAT }))! > 0);
    assert.ok((await value(metrics, 'rag_ollama_tokens_total', { direction: 'output', operation: 'chat', model: CHAT }))! > 0);
    assert.ok((await value(metrics, 'rag_ollama_generation_seconds_total', { model: CHAT }))! > 0);
    assert.equal(await value(metrics, 'rag_ollama_request_duration_seconds_count', { operation: 'chat', model: CHAT }), 1);
    assert.equal(await value(metrics, 'rag_ollama_request_duration_seconds_count', { operation: 'embed', model: EMBED }), 1);
  });

  it('counts errors by kind: model missing, timeout, unreachable', async () => {
    fresh();
    emulator.faults.missingModels = [EMBED];
    await assert.rejects(llm.embed(['x'], { model: EMBED }));
    emulator.faults.missingModels = [];
    emulator.faults.latencyMs = 1500;
    await assert.rejects(llm.embed(['y'], { model: EMBED }));
    emulator.faults.latencyMs = 0;
    await emulator.down();
    try {
      await assert.rejects(async () => {
        for await (const _ of llm.chat([{ role: 'user', content: 'hello' }], { model: CHAT, temperature: 0 })) void _;
      });
    } finally {
      await emulator.up();
    }
    assert.equal(await value(metrics, 'rag_ollama_errors_total', { operation: 'embed', kind: 'model_missing' }), 1);
    assert.equal(await value(metrics, 'rag_ollama_errors_total', { operation: 'embed', kind: 'timeout' }), 1);
    assert.equal(await value(metrics, 'rag_ollama_errors_total', { operation: 'chat', kind: 'unreachable' }), 1);
    assert.equal(await value(metrics, 'rag_ollama_request_duration_seconds_count', { operation: 'embed', model: EMBED }), undefined, 'failures are not timed as successes');
  });
});
