import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readQuestionFile } from '../../../bench/eval/questions.ts';
import type { ChatResponseDto, ConversationDto, FeedbackEntryDto, MessageDto } from '../contracts/chat.ts';
import { createUser, startStack, upload, type TestStack } from '../../test/support/stack.ts';

describe('feedback on answers', () => {
  let stack: TestStack;
  let answer: ChatResponseDto;

  before(async () => {
    stack = await startStack();
    const res = await upload(stack, [{ name: 'ferry.txt', bytes: 'The island ferry leaves the harbour every hour from seven in the morning.' }]);
    await stack.waitForStatus(res.body.documents![0]!.id, ['ready']);
    const asked = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'When does the island ferry leave?', stream: false }) });
    answer = (await asked.json()) as ChatResponseDto;
  });
  after(() => stack.close());

  const rate = (body: unknown, messageId = answer.messageId, token?: string) =>
    stack.fetch(`/api/v1/conversations/${answer.conversationId}/messages/${messageId}/feedback`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(token !== undefined ? { token } : {}),
    });

  it('stores a thumbs down with a comment on the answer, and a later rating replaces it', async () => {
    const first = await rate({ rating: 'down', comment: '  It missed the Sunday timetable.  ' });
    assert.equal(first.status, 200, await first.clone().text());
    let conversation = (await (await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).json()) as ConversationDto & { messages: MessageDto[] };
    const rated = conversation.messages.find((m) => m.id === answer.messageId)!;
    assert.equal(rated.feedback?.rating, 'down');
    assert.equal(rated.feedback?.comment, 'It missed the Sunday timetable.');
    assert.equal((await rate({ rating: 'up' })).status, 200);
    conversation = (await (await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).json()) as ConversationDto & { messages: MessageDto[] };
    assert.deepEqual({ ...conversation.messages.find((m) => m.id === answer.messageId)!.feedback, updatedAt: '' }, { rating: 'up', comment: '', updatedAt: '' });
  });

  it('refuses a bad rating, a question instead of an answer, and someone else rating the answer', async () => {
    assert.equal((await rate({ rating: 'meh' })).status, 400);
    assert.equal((await rate({ rating: 'up', comment: 'x'.repeat(2001) })).status, 400);
    const conversation = (await (await stack.fetch(`/api/v1/conversations/${answer.conversationId}`)).json()) as { messages: MessageDto[] };
    const question = conversation.messages.find((m) => m.role === 'user')!;
    assert.equal((await rate({ rating: 'up' }, question.id)).status, 404);
    const other = await createUser(stack.baseUrl, stack.services, 'viewer');
    assert.equal((await rate({ rating: 'down' }, answer.messageId, other.token)).status, 404);
    assert.equal((await stack.fetch('/api/v1/admin/feedback', { token: other.token })).status, 403);
  });

  it('shows admins the feedback with the question and the answer it is about', async () => {
    await rate({ rating: 'down', comment: 'Too short.' });
    const res = await stack.fetch('/api/v1/admin/feedback');
    assert.equal(res.status, 200);
    const { items, total } = (await res.json()) as { items: FeedbackEntryDto[]; total: number };
    assert.equal(total, 1);
    assert.equal(items[0]!.rating, 'down');
    assert.equal(items[0]!.comment, 'Too short.');
    assert.equal(items[0]!.question, 'When does the island ferry leave?');
    assert.equal(items[0]!.answer, answer.answer);
    assert.equal(items[0]!.userEmail, stack.admin!.email);
  });

  it('exports rated answers as a question file the retrieval evaluation loads: good ones with their cited document and pages, bad ones to review', async () => {
    assert.equal((await rate({ rating: 'up' })).status, 200);
    const asked = await stack.fetch('/api/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Does the ferry run at night?', stream: false }) });
    const second = (await asked.json()) as ChatResponseDto;
    const bad = await stack.fetch(`/api/v1/conversations/${second.conversationId}/messages/${second.messageId}/feedback`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 'down', comment: 'No night service mentioned.' }),
    });
    assert.equal(bad.status, 200);

    const res = await stack.fetch('/api/v1/admin/feedback/export');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="feedback-questions-\d{4}-\d{2}-\d{2}\.json"$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feedback-export-'));
    try {
      const file = path.join(dir, 'feedback.questions.json');
      fs.writeFileSync(file, await res.text());
      const loaded = readQuestionFile(file);
      assert.deepEqual(loaded.documents, [path.join(dir, 'ferry.txt')]);
      assert.equal(loaded.questions.length, 1);
      const q = loaded.questions[0]!;
      assert.equal(q.question, 'When does the island ferry leave?');
      assert.equal(q.document, 'ferry.txt');
      assert.deepEqual(q.pages, []);
      assert.ok('The island ferry leaves the harbour every hour from seven in the morning.'.includes(q.answer as string), String(q.answer));
      assert.deepEqual(loaded.review, [{ id: 'feedback-002', question: 'Does the ferry run at night?', note: 'rated bad: No night service mentioned.' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const viewer = await createUser(stack.baseUrl, stack.services, 'viewer');
    assert.equal((await stack.fetch('/api/v1/admin/feedback/export', { token: viewer.token })).status, 403);
  });
});
