import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetrievedChunk } from '../retrieval/retrieval.service.ts';
import { buildPrompt, MIN_SOURCE_CHARS } from './prompt.ts';

const chunk = (n: number, text: string): RetrievedChunk => ({
  chunkId: `doc${n}:0`,
  documentId: `doc${n}`,
  collectionId: 'default',
  filename: `file${n}.pdf`,
  page: n,
  heading: null,
  text,
  score: 1 / n,
});
const sources = (n: number, chars: number) => Array.from({ length: n }, (_, i) => chunk(i + 1, `${i + 1} `.padEnd(chars, 'x')));
const promptLength = (messages: { content: string }[]) => messages.reduce((n, m) => n + m.content.length, 0);

describe('prompt sources and the context budget', () => {
  it('gives the model every retrieved source when the budget holds them whole', () => {
    const { used, omitted } = buildPrompt({ question: 'q', sources: sources(6, 1200), history: [], budgetChars: 12_000 });
    assert.equal(used.length, 6);
    assert.equal(omitted, 0);
  });

  it('gives the model all ten sources of a top-k of 10 by cutting each to an equal share, within the budget', () => {
    const { messages, used, omitted } = buildPrompt({ question: 'q', sources: sources(10, 1200), history: [], budgetChars: 12_000 });
    assert.equal(used.length, 10);
    assert.equal(omitted, 0);
    assert.ok(promptLength(messages) <= 12_000, `${promptLength(messages)}`);
    for (let n = 1; n <= 10; n++) assert.match(messages[0]!.content, new RegExp(`\\[${n}\\] \\(file${n}\\.pdf, page ${n}\\)\\n${n} x+…`));
  });

  it('lets a short source leave its share to the sources after it', () => {
    const list = [chunk(1, 'short'), ...sources(3, 6000).map((c, i) => ({ ...c, chunkId: `long${i}` }))];
    const { messages } = buildPrompt({ question: 'q', sources: list, history: [], budgetChars: 6000 });
    const blocks = messages[0]!.content.split(/\n\n(?=\[\d\])/);
    const lengths = blocks.slice(1).map((b) => b.length);
    assert.ok(Math.max(...lengths) - Math.min(...lengths) < 20, `the long ones share alike: ${lengths.join(', ')}`);
  });

  it('leaves out the last sources, and says how many, only when a share would fall under the minimum', () => {
    const { messages, used, omitted } = buildPrompt({ question: 'q', sources: sources(40, 1200), history: [], budgetChars: 12_000 });
    assert.ok(used.length > 10 && used.length < 40, `${used.length}`);
    assert.equal(omitted, 40 - used.length);
    assert.deepEqual(used.map((s) => s.chunkId), sources(used.length, 1).map((s) => s.chunkId), 'the best ones are kept');
    assert.ok(promptLength(messages) <= 12_000);
    const shortest = Math.min(...messages[0]!.content.split(/\n\n(?=\[\d+\])/).slice(1).map((b) => b.length - b.indexOf('\n') - 1));
    assert.ok(shortest >= MIN_SOURCE_CHARS - 1, `${shortest}`);
  });
});
