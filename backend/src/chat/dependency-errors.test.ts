import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ChromaClient } from 'chromadb';
import { chromaCollectionName } from '../clients/chroma.ts';
import { readSse, startStack, upload, type TestStack } from '../../test/support/stack.ts';

type ErrorBody = { error: { code: string; message: string } };

describe('a dependency that answers with something unusable', () => {
  let stack: TestStack;
  let asked = 0;
  // Every question is new, so neither the answer cache nor the embedding cache answers it.
  const ask = (stream: boolean) =>
    stack.fetch('/api/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: `When does the ferry to the lighthouse island leave? (${++asked})`, stream }),
    });

  before(async () => {
    stack = await startStack({ env: { ANSWER_CACHE_TTL_S: '0' } });
    const res = await upload(stack, [{ name: 'ferry.txt', bytes: 'The ferry to the lighthouse island leaves the harbour at seven every morning. It returns at noon.' }]);
    assert.equal(res.status, 202);
    assert.equal((await stack.waitForStatus(res.body.documents![0]!.id, ['ready', 'failed'])).status, 'ready');
  });
  after(() => stack.close());
  afterEach(() => stack.emulator.reset());

  it('answers 502 embedding_invalid naming the embedding model when the question embeds to zeros', async () => {
    stack.emulator.faults.zeroEmbeddings = true;
    for (const stream of [false, true]) {
      const res = await ask(stream);
      const body = (await res.json()) as ErrorBody;
      assert.equal(res.status, 502, JSON.stringify(body));
      assert.equal(body.error.code, 'embedding_invalid');
      assert.match(body.error.message, /embedding model "nomic-embed-text".*all-zero/);
    }
  });

  it('answers 502 ollama_bad_response when the model reports an error before its first words', async () => {
    stack.emulator.faults.streamBreak = { after: 0, with: 'error' };
    const res = await ask(true);
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, 502, JSON.stringify(body));
    assert.equal(body.error.code, 'ollama_bad_response');
    assert.match(body.error.message, /model "llama3\.2:3b".*unexpectedly stopped/);
  });

  for (const kind of ['error', 'garbage'] as const) {
    it(`ends the stream with an ollama_bad_response event when the answer stream turns to ${kind === 'error' ? 'an error line' : 'lines that are not JSON'}`, async () => {
      stack.emulator.faults.streamBreak = { after: 3, with: kind };
      const res = await ask(true);
      assert.equal(res.status, 200);
      const events = await readSse(res);
      assert.ok(events.some((e) => e.event === 'token'), JSON.stringify(events));
      const last = events.at(-1)!;
      assert.equal(last.event, 'error');
      assert.equal((last.data as ErrorBody['error']).code, 'ollama_bad_response');
      assert.match((last.data as ErrorBody['error']).message, /model "llama3\.2:3b"/);
    });
  }

  it('answers 503 naming the chat model when it is missing from Ollama', async () => {
    stack.emulator.faults.missingModels = ['llama3.2:3b'];
    const res = await ask(true);
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(body.error.code, 'ollama_unavailable');
    assert.match(body.error.message, /model "llama3\.2:3b" is not available.*ollama pull llama3\.2:3b/);
  });

  it('answers 502 chroma_error when Chroma refuses the search, without its internals', async () => {
    // The collection vanishes under the api (another process reset Chroma): its query is refused.
    const url = new URL(stack.config.chroma.url!);
    const chroma = new ChromaClient({ host: url.hostname, port: Number(url.port) });
    const dim = stack.emulator.embedText('x').length;
    await chroma.deleteCollection({ name: chromaCollectionName(stack.config.chroma.prefix, 'nomic-embed-text', dim, 'default') });
    const res = await ask(false);
    const text = await res.text();
    assert.equal(res.status, 502, text);
    assert.deepEqual(JSON.parse(text), { error: { code: 'chroma_error', message: 'the vector store (Chroma) refused the request; the error has been logged' } });
  });
});
