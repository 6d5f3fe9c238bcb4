import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatResponseDto, ConversationDto, MessageDto } from '../contracts/chat.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';

describe('conversations', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const ask = async (question: string) => {
    const res = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, stream: false }) });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as ChatResponseDto;
  };
  const rename = (id: string, body: unknown) =>
    stack.fetch(`/api/v1/conversations/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('lists the caller’s conversations, the one last written to first', async () => {
    const first = await ask('What is the first question?');
    const second = await ask('What is the second question?');
    const res = await stack.fetch('/api/v1/conversations?limit=10');
    assert.equal(res.status, 200);
    const page = (await res.json()) as { items: ConversationDto[]; limit: number; offset: number };
    assert.deepEqual(page.items.map((c) => c.id).slice(0, 2), [second.conversationId, first.conversationId]);
    assert.deepEqual({ limit: page.limit, offset: page.offset }, { limit: 10, offset: 0 });
    assert.deepEqual(Object.keys(page.items[0]!).sort(), ['collectionIds', 'createdAt', 'id', 'title', 'updatedAt']);
    assert.equal(page.items[0]!.title, 'What is the second question?');
    assert.deepEqual(page.items[0]!.collectionIds, ['default']);
  });

  it('reads a conversation with its messages in order, feedback only on answers', async () => {
    const answer = await ask('Where are the minutes kept?');
    const res = await stack.fetch(`/api/v1/conversations/${answer.conversationId}`);
    assert.equal(res.status, 200);
    const conversation = (await res.json()) as ConversationDto & { messages: MessageDto[] };
    assert.equal(conversation.id, answer.conversationId);
    assert.deepEqual(conversation.messages.map((m) => m.role), ['user', 'assistant']);
    const [question, reply] = conversation.messages as [MessageDto, MessageDto];
    assert.deepEqual(Object.keys(question).sort(), ['citations', 'content', 'createdAt', 'id', 'role', 'status']);
    assert.equal(question.content, 'Where are the minutes kept?');
    assert.equal(reply.id, answer.messageId);
    assert.equal(reply.content, answer.answer);
    assert.equal(reply.feedback, null);
  });

  it('renames a conversation to the trimmed title and keeps it', async () => {
    const answer = await ask('What should this be called?');
    const res = await rename(answer.conversationId, { title: '  Naming things  ' });
    assert.equal(res.status, 200);
    const renamed = (await res.json()) as ConversationDto;
    assert.equal(renamed.id, answer.conversationId);
    assert.equal(renamed.title, 'Naming things');
    assert.deepEqual(renamed.collectionIds, ['default']);
    const read = (await (await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).json()) as ConversationDto;
    assert.equal(read.title, 'Naming things');
  });

  it('answers 400 with what is wrong to a malformed rename, and keeps the title', async () => {
    const answer = await ask('Can a title be empty?');
    for (const body of [{ title: '   ' }, {}, { title: 42 }, { title: 'x'.repeat(201) }, { title: 'ok', pinned: true }]) {
      const res = await rename(answer.conversationId, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'validation_failed');
      assert.match(error.message, /^invalid conversation change: /);
    }
    const read = (await (await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).json()) as ConversationDto;
    assert.equal(read.title, 'Can a title be empty?');
  });

  it('deletes a conversation, which is then not found', async () => {
    const answer = await ask('Is this one going away?');
    const res = await stack.fetch(`/api/v1/conversations/${answer.conversationId}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal((await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).status, 404);
    assert.equal((await stack.fetch(`/api/v1/conversations/${answer.conversationId}`, { method: 'DELETE' })).status, 404);
  });
});
