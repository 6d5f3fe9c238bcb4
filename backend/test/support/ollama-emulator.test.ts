import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { startOllamaEmulator } from './ollama-emulator.ts';
import type { OllamaEmulator } from './ollama-emulator.ts';

const CHAT_MODEL = 'llama3.2:3b';
const EMBED_MODEL = 'nomic-embed-text';

const SOURCES = [
  '[1] handbook.pdf, page 2',
  // Overlaps the vacation question a little, so picking the first overlapping source is wrong.
  'The office is closed on public holidays; no employee needs a day off for them. Visitors sign in at the front desk.',
  '[2] handbook.pdf, page 7',
  'Every employee receives 30 vacation days per year. Vacation requests go through the HR portal.',
  '[3] security.pdf, page 1',
  'Badges must be worn at all times inside the building.',
].join('\n');

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);
}

function norm(v: number[]): number {
  return Math.sqrt(cosine(v, v));
}

/** What a rejected ollama-js call carries: ResponseError has status_code, fetch failures a cause. */
function failure(err: unknown): { name: string; status?: number; message: string; code?: string } {
  const e = err as Error & { status_code?: number; cause?: { code?: string } };
  return { name: e.name, status: e.status_code, message: e.message, code: e.cause?.code };
}

/** The failure of a call that must fail. */
async function rejection(call: Promise<unknown>): Promise<ReturnType<typeof failure>> {
  try {
    await call;
  } catch (err) {
    return failure(err);
  }
  assert.fail('expected the call to fail');
}

async function collect(stream: AsyncIterable<{ message: { content: string } }>): Promise<{ pieces: string[]; error: unknown }> {
  const pieces: string[] = [];
  try {
    for await (const part of stream) pieces.push(part.message.content);
    return { pieces, error: null };
  } catch (error) {
    return { pieces, error };
  }
}

describe('ollama emulator, driven by the official ollama client', () => {
  let emu: OllamaEmulator;
  let client: Ollama;

  before(async () => {
    emu = await startOllamaEmulator({ models: ['qwen2.5:7b'] });
    client = new Ollama({ host: emu.url });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.reset());

  it('answers the root probe and the version like Ollama', async () => {
    const res = await fetch(`${emu.url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Ollama is running');
    assert.match((await client.version()).version, /^\d+\.\d+\.\d+$/);
  });

  it('lists the configured chat, embedding and extra models', async () => {
    const { models } = await client.list();
    assert.deepEqual(models.map((m) => m.name).sort(), ['llama3.2:3b', 'nomic-embed-text:latest', 'qwen2.5:7b']);
    for (const m of models) {
      assert.equal(m.model, m.name);
      assert.match(m.digest, /^[0-9a-f]{64}$/);
      assert.ok(m.size > 0 && m.details.family && m.details.parameter_size && m.details.quantization_level);
    }
  });

  it('shows the embedding length and capabilities of a model, and 404s an unknown one', async () => {
    const info = await client.show({ model: EMBED_MODEL });
    const modelInfo = info.model_info as unknown as Record<string, unknown>;
    const arch = String(modelInfo['general.architecture']);
    assert.equal(modelInfo[`${arch}.embedding_length`], 384);
    assert.equal(typeof modelInfo[`${arch}.context_length`], 'number');
    assert.deepEqual(info.capabilities, ['embedding']);
    assert.deepEqual((await client.show({ model: CHAT_MODEL })).capabilities, ['completion']);
    const err = await rejection(client.show({ model: 'no-such-model' }));
    assert.deepEqual(err, { name: 'ResponseError', status: 404, message: "model 'no-such-model' not found", code: undefined });
  });

  it('embeds several inputs as deterministic unit vectors where similar texts are closer', async () => {
    const texts = ['The cat sat on the mat', 'A cat was sitting on the mat', 'Quarterly revenue grew by twelve percent', ''];
    const res = await client.embed({ model: EMBED_MODEL, input: texts });
    assert.equal(res.embeddings.length, texts.length);
    for (const v of res.embeddings) {
      assert.equal(v.length, 384);
      assert.ok(Math.abs(norm(v) - 1) < 1e-9, 'unit length, never a zero vector');
    }
    const [cat, cat2, revenue] = res.embeddings as [number[], number[], number[]];
    assert.ok(cosine(cat, cat2) > 0.5, `similar texts: ${cosine(cat, cat2)}`);
    assert.ok(cosine(cat, cat2) > cosine(cat, revenue) + 0.3, `unrelated text: ${cosine(cat, revenue)}`);
    const again = await client.embed({ model: `${EMBED_MODEL}:latest`, input: texts[0] ?? '' });
    assert.deepEqual(again.embeddings, [cat]);
    assert.deepEqual(emu.embedText(texts[0] ?? ''), cat);
    assert.equal(emu.stats.embedInputs, 5);
    assert.equal(emu.stats.requests['/api/embed'], 2);
  });

  it('returns no embeddings for an empty input list', async () => {
    assert.deepEqual((await client.embed({ model: EMBED_MODEL, input: [] })).embeddings, []);
  });

  it('streams an answer in small pieces that quotes and cites the best-matching source', async () => {
    const messages = [
      { role: 'system', content: `Answer only from these sources and cite them as [n].\n\n${SOURCES}` },
      { role: 'user', content: 'How many vacation days does an employee get?' },
    ];
    const { pieces, error } = await collect(await client.chat({ model: CHAT_MODEL, messages, stream: true }));
    assert.equal(error, null);
    assert.ok(pieces.length > 5, 'streamed a word or two at a time');
    assert.equal(pieces.join(''), 'Based on the documents, Every employee receives 30 vacation days per year [2].');
    assert.deepEqual(emu.stats.lastChatRequest?.messages, messages);
    await emu.whenIdle();
    assert.equal(emu.stats.streams.completed, 1);
  });

  it('finds sources and the question in one user message', async () => {
    const content = `Sources:\n${SOURCES}\n\nQuestion: Where do visitors sign in?`;
    const res = await client.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content }], stream: false });
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.equal(res.message.content, 'Based on the documents, Visitors sign in at the front desk [1].');
  });

  it('answers from the source citeSource names instead of the best-matching one', async () => {
    const content = `Sources:\n${SOURCES}\n\nQuestion: How many vacation days does an employee get?`;
    emu.faults.citeSource = 1;
    const res = await client.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content }], stream: false });
    assert.match(res.message.content, /\[1\]\.$/);
    assert.doesNotMatch(res.message.content, /\[2\]/);
  });

  it('says it could not find the answer without sources or without overlap', async () => {
    const bare = await client.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'How many vacation days?' }] });
    assert.match(bare.message.content, /I could not find/);
    const offTopic = await collect(
      await client.chat({
        model: CHAT_MODEL,
        stream: true,
        messages: [{ role: 'system', content: SOURCES }, { role: 'user', content: 'What is the capital of Peru?' }],
      }),
    );
    assert.match(offTopic.pieces.join(''), /I could not find/);
  });

  it('answers /api/generate from the prompt too', async () => {
    const res = await client.generate({ model: CHAT_MODEL, system: SOURCES, prompt: 'Must badges be worn?' });
    assert.equal(res.response, 'Based on the documents, Badges must be worn at all times inside the building [3].');
  });

  it('refuses to chat with an embedding model', async () => {
    const err = await rejection(client.chat({ model: EMBED_MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(err.status, 400);
  });

  it('fails the next n matching requests with the chosen status, then recovers', async () => {
    emu.failNext(2, 502, 'embed');
    assert.deepEqual(await client.list().then((r) => r.models.length), 3, 'other endpoints are unaffected');
    for (let i = 0; i < 2; i++) {
      const err = await rejection(client.embed({ model: EMBED_MODEL, input: 'x' }));
      assert.equal(err.name, 'ResponseError');
      assert.equal(err.status, 502);
    }
    assert.equal((await client.embed({ model: EMBED_MODEL, input: 'x' })).embeddings.length, 1);
    assert.equal(emu.stats.requests['/api/embed'], 3);
    assert.equal(emu.stats.embedInputs, 1);
  });

  it('makes missing models disappear from the list and 404 on embed', async () => {
    emu.faults.missingModels = ['nomic-embed-text'];
    const err = await rejection(client.embed({ model: `${EMBED_MODEL}:latest`, input: 'x' }));
    assert.equal(err.status, 404);
    assert.equal(err.message, 'model "nomic-embed-text:latest" not found, try pulling it first');
    assert.ok(!(await client.list()).models.some((m) => m.name.startsWith('nomic')));
  });

  it('delays answers by latencyMs, so a client timeout fires first', async () => {
    emu.faults.latencyMs = 5000;
    // The client gives up after 1 s, far below the latency; the same call without the latency
    // answers, through a client with no timeout (a busy machine can take more than 1 s).
    const impatient = new Ollama({ host: emu.url, fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(1000) }) });
    const err = await rejection(impatient.version());
    assert.equal(err.name, 'TimeoutError');
    emu.faults.latencyMs = 0;
    assert.ok((await client.version()).version);
  });

  it('answers 503 server busy to everything while busy', async () => {
    emu.faults.busy = true;
    assert.deepEqual(await rejection(client.list()), { name: 'ResponseError', status: 503, message: 'server busy', code: undefined });
    const res = await fetch(`${emu.url}/`);
    assert.equal(res.status, 503);
  });

  it('refuses connections while down and serves again on the same port after up', async () => {
    await emu.down();
    try {
      const err = await rejection(client.list());
      assert.equal(err.message, 'fetch failed');
      assert.equal(err.code, 'ECONNREFUSED');
    } finally {
      await emu.up();
    }
    assert.equal((await client.list()).models.length, 3);
    assert.equal(new URL(emu.url).port, String(emu.port));
  });

  it('cuts a stream after dropStreamAfter chunks, so the client iteration throws', async () => {
    emu.faults.dropStreamAfter = 2;
    const stream = await client.chat({ model: CHAT_MODEL, stream: true, messages: [{ role: 'system', content: SOURCES }, { role: 'user', content: 'Vacation days?' }] });
    const { pieces, error } = await collect(stream);
    assert.deepEqual(pieces, ['Based ', 'on ']);
    assert.ok(error instanceof Error, 'the iteration throws rather than ending quietly');
    assert.equal(error.message, 'terminated');
    await emu.whenIdle();
    assert.equal(emu.stats.streams.dropped, 1);
  });

  it('streams in pieces of streamPieceChars characters when set', async () => {
    emu.faults.streamPieceChars = 4;
    const { pieces, error } = await collect(await client.chat({ model: CHAT_MODEL, stream: true, messages: [{ role: 'system', content: SOURCES }, { role: 'user', content: 'Vacation days?' }] }));
    assert.equal(error, null);
    assert.deepEqual(pieces.slice(0, 3), ['Base', 'd on', ' the']);
    assert.ok(pieces.every((p) => p.length <= 4));
  });

  it('breaks a stream with an error line or a line that is not JSON, as the client sees them', async () => {
    const ask = async () => collect(await client.chat({ model: CHAT_MODEL, stream: true, messages: [{ role: 'system', content: SOURCES }, { role: 'user', content: 'Vacation days?' }] }));
    emu.faults.streamBreak = { after: 2, with: 'error' };
    const reported = await ask();
    assert.deepEqual(reported.pieces, ['Based ', 'on ']);
    assert.ok(reported.error instanceof Error && reported.error.constructor === Error, 'the client throws a plain Error for an error line');
    assert.equal(reported.error.message, 'model runner has unexpectedly stopped');
    emu.faults.streamBreak = { after: 1, with: 'garbage' };
    const garbled = await ask();
    // The client skips a line it cannot parse, then finds the stream ended without `done`.
    assert.deepEqual(garbled.pieces, ['Based ']);
    assert.ok(garbled.error instanceof Error && garbled.error.constructor === Error, String(garbled.error));
    assert.equal(garbled.error.message, 'Did not receive done or success response in stream.');
  });

  it('answers all-zero embeddings while zeroEmbeddings is on', async () => {
    emu.faults.zeroEmbeddings = true;
    const { embeddings } = await client.embed({ model: EMBED_MODEL, input: ['any text'] });
    assert.ok(embeddings[0]!.length > 0 && embeddings[0]!.every((x) => x === 0));
  });

  it('counts a stream the client aborts as aborted', async () => {
    emu.faults.tokenDelayMs = 20;
    const stream = await client.chat({ model: CHAT_MODEL, stream: true, messages: [{ role: 'system', content: SOURCES }, { role: 'user', content: 'Vacation days?' }] });
    const pieces: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const part of stream) {
          pieces.push(part.message.content);
          if (pieces.length === 2) client.abort();
        }
      })(),
    );
    assert.equal(err.name, 'AbortError');
    assert.equal(pieces.length, 2);
    await emu.whenIdle();
    assert.deepEqual(emu.stats.streams, { inFlight: 0, completed: 0, aborted: 1, dropped: 0 });
  });
});
