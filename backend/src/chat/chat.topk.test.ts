import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatDoneDto, SourceDto } from '../contracts/chat.ts';
import { makeMarkdown } from '../../test/support/fixtures.ts';
import { readSse, startStack, upload, type TestStack } from '../../test/support/stack.ts';

// Twenty sections that all mention the pump, each about 1000 characters: more relevant chunks than any top-k here.
const SECTIONS = Array.from({ length: 20 }, (_, i) => `## Pump check ${i + 1}\n\n${`Step ${i + 1} of the pump inspection covers seals, bearings and the intake screen. `.repeat(12)}`);

async function ask(stack: TestStack, question: string) {
  const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  assert.equal(res.status, 200);
  const events = await readSse(res);
  const sources = (events.find((e) => e.event === 'sources')!.data as { sources: SourceDto[] }).sources;
  const done = events.at(-1)!;
  assert.equal(done.event, 'done', JSON.stringify(done.data));
  // The sources the model was given: the numbered blocks of the system message it received.
  const system = stack.emulator.stats.lastChatRequest!.messages[0]!.content;
  return { sources, done: done.data as ChatDoneDto, sourcesInPrompt: (system.match(/^\[\d+\] \(pumps\.md/gm) ?? []).length };
}

for (const { topK, budget, leftOut } of [
  { topK: '10', budget: '12000', leftOut: false },
  { topK: '20', budget: '3000', leftOut: true },
]) {
  describe(`top-k ${topK} with a context budget of ${budget} characters`, () => {
    let stack: TestStack;
    before(async () => {
      stack = await startStack({ env: { RETRIEVAL_TOP_K: topK, CONTEXT_BUDGET_CHARS: budget, ANSWER_CACHE_TTL_S: '0' } });
      const res = await upload(stack, [{ name: 'pumps.md', bytes: makeMarkdown('Pump inspection', SECTIONS) }]);
      assert.equal((await stack.waitForStatus(res.body.documents![0]!.id, ['ready', 'failed'])).status, 'ready');
    });
    after(() => stack.close());

    if (!leftOut) {
      it('gives the model as many sources as the setting says, even when they do not fit whole', async () => {
        const { sources, done, sourcesInPrompt } = await ask(stack, 'What does the pump inspection cover?');
        assert.equal(sources.length, 10);
        assert.equal(sourcesInPrompt, 10);
        assert.equal(done.sourcesLeftOut, undefined);
      });
    } else {
      it('says in the done event how many sources the context budget left out, and why', async () => {
        const { sources, done, sourcesInPrompt } = await ask(stack, 'What does the pump inspection cover?');
        assert.ok(sources.length >= 1 && sources.length < 20, `${sources.length}`);
        assert.equal(sourcesInPrompt, sources.length);
        assert.deepEqual(done.sourcesLeftOut, { count: 20 - sources.length, reason: 'context_budget' });
      });
    }
  });
}
