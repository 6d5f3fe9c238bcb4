import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_PROMPT } from './system-prompt.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../test/support/security-app.ts';

describe('settings', () => {
  let t: SecurityTestApp;
  let auth: { Authorization: string };

  before(async () => {
    t = await startSecurityTestApp({ env: { CHUNK_SIZE: '1500', RETRIEVAL_TOP_K: '7' } });
    ({ auth } = await t.signedIn('admin'));
  });
  after(() => t.close());

  const put = (body: unknown) => t.http().put('/api/v1/admin/settings').set(auth).send(body as object);

  it('starts from the values in config', async () => {
    const res = await t.http().get('/api/v1/admin/settings').set(auth);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      chatModel: 'llama3.2:3b',
      embedModel: 'nomic-embed-text',
      chunkSize: 1500,
      chunkOverlap: 200,
      topK: 7,
      temperature: 0.2,
      systemPrompt: SYSTEM_PROMPT,
    });
  });

  it('stores a change, answers the whole settings, and keeps it', async () => {
    const res = await put({ topK: 12, temperature: 0.7 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.topK, 12);
    assert.equal(res.body.chunkSize, 1500);
    assert.equal(t.security.settings.get().temperature, 0.7);
    assert.equal((await t.http().get('/api/v1/admin/settings').set(auth)).body.topK, 12);
  });

  it('rejects unknown keys and prototype tricks', async () => {
    for (const body of [{ topK: 5, maxTokens: 10 }, JSON.parse('{"__proto__":{"topK":99}}'), { constructor: { prototype: { topK: 1 } } }]) {
      const res = await put(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });

  it('rejects out-of-range and wrongly typed values', async () => {
    for (const body of [{ topK: 0 }, { topK: 101 }, { temperature: 2.5 }, { chunkSize: 50 }, { topK: '5' }, { systemPrompt: 'x'.repeat(8001) }, { chunkOverlap: 1500 }]) {
      assert.equal((await put(body)).status, 400, JSON.stringify(body).slice(0, 60));
    }
    assert.equal(t.security.settings.get().topK, 12, 'a rejected change was stored');
  });

  it('accepts a model only if Ollama has it', async () => {
    const missing = await put({ chatModel: 'evil-model:latest' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'model_not_available');
    const injected = await put({ embedModel: '../../etc/passwd' });
    assert.equal(injected.status, 400);

    const ok = await put({ chatModel: 'qwen2.5:7b', embedModel: 'nomic-embed-text' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.chatModel, 'qwen2.5:7b');
  });

  it('refuses a model for a job it cannot do, and says why', async () => {
    const asEmbedder = await put({ embedModel: 'llama3.2:3b' });
    assert.equal(asEmbedder.status, 400);
    assert.equal(asEmbedder.body.error.code, 'model_not_capable');
    assert.equal(asEmbedder.body.error.message, 'embedModel: "llama3.2:3b" cannot make embeddings (it has no "embedding" capability); Ollama reports it can do: completion');
    const asChat = await put({ chatModel: 'nomic-embed-text:latest' });
    assert.equal(asChat.status, 400);
    assert.match(asChat.body.error.message, /cannot write answers/);
    assert.notEqual(t.security.settings.get().chatModel, 'nomic-embed-text:latest');
  });

  it('asks Ollama for its models only when a model changes', async () => {
    const before = t.modelCalls.count;
    await put({ topK: 9, chatModel: t.security.settings.get().chatModel });
    assert.equal(t.modelCalls.count, before);
  });

  it('records the change in the audit log', () => {
    const row = t.db.prepare("SELECT details FROM audit_log WHERE action = 'settings.updated' ORDER BY id DESC LIMIT 1").get() as { details: string };
    assert.deepEqual(JSON.parse(row.details), { changed: { topK: 9 } });
  });

  it('falls back to the default for a stored value that no longer validates', () => {
    t.db.prepare("INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('topK', '\"lots\"', 'now')").run();
    assert.equal(t.security.settings.get().topK, 7);
  });
});
