import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelsDto } from '../contracts/admin.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';

describe("Ollama's models for the model pickers", () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("lists each model with the capabilities Ollama's /api/show reports", async () => {
    const res = await stack.fetch('/api/v1/admin/models');
    assert.equal(res.status, 200);
    const { models } = (await res.json()) as ModelsDto;
    const settings = (await (await stack.fetch('/api/v1/admin/settings')).json()) as { chatModel: string; embedModel: string };
    const byName = (name: string) => models.find((m) => m.name === name || m.name === `${name}:latest`);
    assert.deepEqual(byName(settings.embedModel)?.capabilities, ['embedding']);
    assert.ok(byName(settings.chatModel)?.capabilities?.includes('completion'), JSON.stringify(models));
  });

  it('refuses the chat model as the embedding model (and the reverse) with the reason', async () => {
    const settings = (await (await stack.fetch('/api/v1/admin/settings')).json()) as { chatModel: string; embedModel: string };
    const put = (body: object) => stack.fetch('/api/v1/admin/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const swapped = await put({ embedModel: settings.chatModel });
    assert.equal(swapped.status, 400);
    const body = (await swapped.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'model_not_capable');
    assert.match(body.error.message, /cannot make embeddings.*Ollama reports it can do: completion/);
    const reverse = await put({ chatModel: settings.embedModel });
    assert.equal(reverse.status, 400);
    assert.match(((await reverse.json()) as { error: { message: string } }).error.message, /cannot write answers/);
  });
});
