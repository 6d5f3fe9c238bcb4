import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CollectionDto } from '../contracts/admin.ts';
import type { ChatDoneDto, ChatResponseDto, SourceDto } from '../contracts/chat.ts';
import type { DocumentDto } from '../contracts/documents.ts';
import { plantDocument } from '../../test/support/invariants.ts';
import { readSse, startStack, type TestStack } from '../../test/support/stack.ts';

const QUESTION = 'How often is the cooling pump of the north plant inspected?';

describe('asking one document or a few, through the real app', () => {
  let stack: TestStack;
  let north: DocumentDto;
  let south: DocumentDto;
  let foreign: DocumentDto;
  let outsider: Awaited<ReturnType<TestStack['createUser']>>;

  const ask = async (body: Record<string, unknown>, token = stack.token) => {
    const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: false, ...body }), token });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as ChatResponseDto & { error?: { code: string; message: string } } };
  };

  before(async () => {
    stack = await startStack();
    outsider = await stack.createUser('editor');
    // Both documents match the question; each names its own plant.
    north = await plantDocument(stack, { name: 'north-plant.pdf', text: 'North plant: the cooling pump is inspected every month by the day shift.' });
    south = await plantDocument(stack, { name: 'south-plant.pdf', text: 'South plant: the cooling pump is inspected every week by the night shift.' });
    const created = await stack.fetch('/api/v1/collections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Members only', visibility: 'members' }) });
    assert.equal(created.status, 201);
    const privateId = ((await created.json()) as CollectionDto).id;
    foreign = await plantDocument(stack, { name: 'private-plant.pdf', text: 'Private plant: the cooling pump is inspected every day.', collectionId: privateId });
  });
  after(() => stack.close());

  it('cites both documents when the question is not limited', async () => {
    const res = await ask({ question: QUESTION, collectionIds: ['default'] });
    assert.equal(res.status, 200, res.text);
    const cited = new Set(res.body.sources.map((s) => s.documentId));
    assert.ok(cited.has(north.id) && cited.has(south.id), JSON.stringify(res.body.sources));
    assert.equal(res.body.searched, undefined);
  });

  it('searches and cites only the document asked, and says which one it searched (JSON, after an unlimited answer to the same question)', async () => {
    const res = await ask({ question: QUESTION, documentIds: [north.id] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.cached, false);
    assert.ok(res.body.sources.length > 0);
    assert.deepEqual([...new Set(res.body.sources.map((s) => s.documentId))], [north.id]);
    assert.ok(res.body.citations.every((c) => c.documentId === north.id));
    assert.deepEqual(res.body.searched, [{ documentId: north.id, filename: 'north-plant.pdf' }]);
    // The model was given only the north plant's text.
    const system = stack.emulator.stats.lastChatRequest!.messages[0]!.content;
    assert.match(system, /every month/);
    assert.doesNotMatch(system, /every week/);
  });

  it('limits a streamed answer too, and its done event names the documents searched', async () => {
    const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION, documentIds: [south.id] }) });
    assert.equal(res.status, 200);
    const events = await readSse(res);
    const sources = (events.find((e) => e.event === 'sources')!.data as { sources: SourceDto[] }).sources;
    assert.ok(sources.length > 0 && sources.every((s) => s.documentId === south.id), JSON.stringify(sources));
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    assert.deepEqual((done.data as ChatDoneDto).searched, [{ documentId: south.id, filename: 'south-plant.pdf' }]);
  });

  it('answers 404 to a document the asker may not read, or that does not exist, or outside the collections asked', async () => {
    for (const [body, token] of [
      [{ question: QUESTION, documentIds: [north.id, foreign.id] }, outsider.token],
      [{ question: QUESTION, documentIds: [randomUUID()] }, stack.token],
      [{ question: QUESTION, documentIds: [foreign.id], collectionIds: ['default'] }, stack.token],
    ] as const) {
      const res = await ask(body, token);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error?.code, 'not_found');
    }
    // The admin, who may read it, gets an answer from it alone.
    const own = await ask({ question: QUESTION, documentIds: [foreign.id] });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual([...new Set(own.body.sources.map((s) => s.documentId))], [foreign.id]);
  });

  it('refuses more than 20 documents', async () => {
    const res = await ask({ question: QUESTION, documentIds: Array.from({ length: 21 }, () => randomUUID()) });
    assert.equal(res.status, 400, res.text);
  });
});
