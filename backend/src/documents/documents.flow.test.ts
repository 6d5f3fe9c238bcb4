import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatResponseDto } from '../contracts/chat.ts';
import type { DocumentDto } from '../contracts/documents.ts';
import { makeDocx, makeHtml, makeMarkdown, makePdf } from '../../test/support/fixtures.ts';
import { readSse, startStack, upload, type TestStack } from '../../test/support/stack.ts';

const FILLER = 'This page describes general background that has nothing to do with the question at hand. '.repeat(6);

// One distinctive fact per document, so each question has exactly one right source.
const FILES = {
  pdf: { name: 'volcanoes.pdf', fact: 'The Krakatoa eruption of 1883 released energy equal to two hundred megatons.', question: 'How much energy did the Krakatoa eruption release?' },
  docx: { name: 'lighthouse.docx', fact: 'The lighthouse keeper logbook records foghorn maintenance every Tuesday morning.', question: 'When is the foghorn maintenance recorded in the lighthouse logbook?' },
  html: { name: 'penguins.html', fact: 'The quarterly penguin census counted 4512 emperor penguins on the ice shelf.', question: 'How many emperor penguins did the penguin census count?' },
  md: { name: 'deploy.md', fact: 'The blue-green switchover of the billing cluster takes nine minutes.', question: 'How long does the blue-green switchover of the billing cluster take?' },
  txt: { name: 'sourdough.txt', fact: 'A sourdough starter needs feeding with rye flour twice daily.', question: 'What flour does the sourdough starter need for feeding?' },
};

describe('documents from upload to cited answer', () => {
  let stack: TestStack;
  const events: { name: string; documentId: string; stage?: string; unit?: string; done?: number; total?: number }[] = [];
  const docs: Record<string, DocumentDto> = {};

  before(async () => {
    stack = await startStack();
    const socket = await stack.socket(['default']);
    socket.on('document.queued', (d) => events.push({ name: 'queued', documentId: d.id }));
    socket.on('document.progress', (p) => events.push({ name: 'progress', documentId: p.documentId, stage: p.stage, unit: p.unit, done: p.done, total: p.total }));
    socket.on('document.ready', (d) => events.push({ name: 'ready', documentId: d.id }));
    socket.on('document.failed', (d) => events.push({ name: 'failed', documentId: d.id }));
    socket.on('document.deleted', (d) => events.push({ name: 'deleted', documentId: d.documentId }));

    const res = await upload(stack, [
      { name: FILES.pdf.name, bytes: await makePdf([FILLER, `${FILLER} ${FILES.pdf.fact} ${FILLER}`, FILLER]) },
      { name: FILES.docx.name, bytes: await makeDocx([{ heading: 'Logbook', text: `${FILLER} ${FILES.docx.fact}` }]) },
      { name: FILES.html.name, bytes: makeHtml('Census', [FILLER, FILES.html.fact]) },
      { name: FILES.md.name, bytes: makeMarkdown('Operations', [FILLER, FILES.md.fact]) },
      { name: FILES.txt.name, bytes: `${FILLER}\n\n${FILES.txt.fact}\n` },
    ]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    for (const d of res.body.documents!) docs[d.kind] = d;
    for (const d of Object.values(docs)) docs[d.kind] = await stack.waitForStatus(d.id, ['ready', 'failed']);
  });
  after(() => stack.close());

  it('accepts every supported format and makes each one ready', () => {
    assert.deepEqual(Object.keys(docs).sort(), ['docx', 'html', 'md', 'pdf', 'txt']);
    for (const d of Object.values(docs)) {
      assert.equal(d.status, 'ready', `${d.filename}: ${JSON.stringify(d.error)}`);
      assert.ok(d.chunkCount! > 0);
      assert.equal(d.progress, 100);
      assert.equal(d.uploadedBy?.id, stack.admin!.id, 'the uploader is recorded');
    }
    assert.equal(docs.pdf!.pageCount, 3);
  });

  it('tells socket.io clients about queueing, progress and readiness of each document', async () => {
    await waitFor(() => Object.values(docs).every((d) => events.some((e) => e.name === 'ready' && e.documentId === d.id)));
    for (const d of Object.values(docs)) {
      const mine = events.filter((e) => e.documentId === d.id).map((e) => e.name);
      assert.equal(mine[0], 'queued', `${d.filename}: ${mine.join(',')}`);
      assert.ok(mine.includes('progress'), `${d.filename} had no progress event`);
      assert.equal(mine.at(-1), 'ready');
    }
    const stages = new Set(events.filter((e) => e.documentId === docs.pdf!.id && e.name === 'progress').map((e) => e.stage));
    assert.ok(stages.has('parsing') && stages.has('embedding') && stages.has('indexing'), [...stages].join(','));
  });

  it('reports parsing in pages and every later stage in chunks, with real totals', () => {
    const progress = events.filter((e) => e.documentId === docs.pdf!.id && e.name === 'progress');
    const parsing = progress.filter((e) => e.stage === 'parsing');
    assert.ok(parsing.every((e) => e.unit === 'page'), JSON.stringify(parsing));
    assert.deepEqual(
      parsing.map((e) => [e.done, e.total]),
      [
        [0, 0],
        [3, 3],
      ],
      'parsing starts with an unknown total and ends with the 3 pages of the PDF',
    );
    for (const e of progress.filter((p) => p.stage !== 'parsing')) {
      assert.equal(e.unit, 'chunk', JSON.stringify(e));
      assert.equal(e.total, docs.pdf!.chunkCount, `${e.stage} counts the document's chunks`);
    }
  });

  for (const kind of Object.keys(FILES) as (keyof typeof FILES)[]) {
    it(`answers a question about the ${kind} document citing it`, async () => {
      const res = await stack.fetch(`/api/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: FILES[kind].question, stream: false }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as ChatResponseDto;
      assert.ok(body.citations.length > 0, body.answer);
      assert.equal(body.citations[0]!.documentId, docs[kind]!.id, body.answer);
      assert.equal(body.citations[0]!.filename, FILES[kind].name);
      assert.match(body.answer, /\[\d+\]/);
      assert.ok(body.citations[0]!.snippet.length > 0);
      if (kind === 'pdf') assert.equal(body.citations[0]!.page, 2);
      else assert.equal(body.citations[0]!.page, null);
    });
  }

  it('streams sources, then tokens, then a final event with the message id and citations', async () => {
    const res = await stack.fetch(`/api/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What energy did the 1883 Krakatoa eruption release, in megatons?' }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const stream = await readSse(res);
    assert.equal(stream[0]!.event, 'sources');
    assert.equal(stream.at(-1)!.event, 'done');
    const tokens = stream.filter((e) => e.event === 'token');
    assert.ok(tokens.length > 1, 'the answer arrives in several pieces');
    const done = stream.at(-1)!.data as ChatResponseDto;
    assert.equal(done.citations[0]!.documentId, docs.pdf!.id);
    assert.equal(done.citations[0]!.page, 2);

    const conv = (await (await stack.fetch(`/api/v1/conversations/${done.conversationId}`)).json()) as { messages: { id: string; role: string; content: string }[] };
    assert.deepEqual(conv.messages.map((m) => m.role), ['user', 'assistant']);
    assert.equal(conv.messages[1]!.id, done.messageId);
    assert.equal(conv.messages[1]!.content, tokens.map((t) => (t.data as { text: string }).text).join(''));
  });

  it('carries the conversation into a follow-up question', async () => {
    const first = (await postChat(stack, { question: FILES.txt.question, stream: false })) as ChatResponseDto;
    const second = (await postChat(stack, { question: 'And how often should the sourdough starter be fed?', conversationId: first.conversationId, stream: false })) as ChatResponseDto;
    assert.equal(second.conversationId, first.conversationId);
    const lastRequest = stack.emulator.stats.lastChatRequest!;
    assert.ok(lastRequest.messages.some((m) => m.role === 'assistant' && m.content === first.answer), 'the earlier answer is in the prompt');
  });

  it('says it found nothing rather than inventing an answer when nothing is relevant', async () => {
    const body = (await postChat(stack, { question: 'Xylophone quantum zeppelin marmalade?', stream: false })) as ChatResponseDto;
    assert.equal(body.citations.length, 0);
    assert.match(body.answer, /could not find/i);
  });

  it('serves a repeated first question from the answer cache', async () => {
    const question = 'How many emperor penguins were counted in the census?';
    const first = (await postChat(stack, { question, stream: false })) as ChatResponseDto;
    const chats = stack.emulator.stats.requests['/api/chat'] ?? 0;
    const second = (await postChat(stack, { question, stream: false })) as ChatResponseDto;
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.equal(second.answer, first.answer);
    assert.equal(stack.emulator.stats.requests['/api/chat'] ?? 0, chats, 'the model was not asked again');
  });
});

async function postChat(stack: TestStack, body: unknown) {
  const res = await stack.fetch(`/api/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  return res.json();
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
