import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { io as connect } from 'socket.io-client';
import type { CollectionDto } from '../contracts/admin.ts';
import type { ChatResponseDto, ConversationDto, MessageDto } from '../contracts/chat.ts';
import type { DocumentDto, DocumentListDto } from '../contracts/documents.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/events.ts';
import { makePdf } from '../../test/support/fixtures.ts';
import { readSse, startStack, upload, type TestStack } from '../../test/support/stack.ts';
import { guardStack, plantDocument, type StackGuard } from '../../test/support/invariants.ts';

// Planted in B's members-only collection; its only answer. A must never see any of it.
const CANARY = 'The launch code for Operation Bluefinch is amber-kestrel-4471.';
const CANARY_MARK = /kestrel|4471/i;
const CANARY_QUESTION = 'What is the launch code for Operation Bluefinch?';
// Readable by everyone and about the same operation, so A's question does reach the model.
const DECOY = 'Operation Bluefinch is the codename of the spring warehouse audit in the northern depot.';

type Account = Awaited<ReturnType<TestStack['createUser']>>;
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('access control through the real app', () => {
  let stack: TestStack;
  let guard: StackGuard;
  let a: Account; // editor, not a member of B's collection
  let b: Account; // editor, the only member
  let viewer: Account;
  let aKey: string; // A's API key with query and ingest scopes
  let privateId: string;
  let canaryDoc: DocumentDto;
  let conversationB: string;

  const call = async (path: string, token: string, init: RequestInit = {}) => {
    const headers = init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : undefined;
    const res = await stack.fetch(path, { ...init, headers, token });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : null) as { error?: { code: string; message: string } } & Record<string, unknown> };
  };
  const ask = (token: string, body: Record<string, unknown>) => call('/api/v1/chat', token, { method: 'POST', body: JSON.stringify({ stream: false, ...body }) });

  before(async () => {
    stack = await startStack();
    guard = await guardStack(stack);
    [a, b, viewer] = [await stack.createUser('editor'), await stack.createUser('editor'), await stack.createUser('viewer')];
    const created = await call('/api/v1/collections', stack.token, { method: 'POST', body: JSON.stringify({ name: 'B private', visibility: 'members' }) });
    assert.equal(created.status, 201, created.text);
    privateId = (created.body as unknown as CollectionDto).id;
    const members = await call(`/api/v1/collections/${privateId}/members`, stack.token, { method: 'PUT', body: JSON.stringify({ userIds: [b.id] }) });
    assert.equal(members.status, 200, members.text);
    const key = await call('/api/v1/admin/api-keys', stack.token, { method: 'POST', body: JSON.stringify({ name: 'a-key', scopes: ['query', 'ingest'], ownerId: a.id }) });
    assert.equal(key.status, 201, key.text);
    aKey = key.body.secret as string;

    canaryDoc = await plantDocument(stack, { name: 'bluefinch-secret.pdf', text: `Internal operations memo. ${CANARY}`, collectionId: privateId, token: b.token });
    guard.keep(canaryDoc);
    guard.keep(await plantDocument(stack, { name: 'bluefinch-public.pdf', text: DECOY }));
    // B, a member, gets the canary as the answer: the canary is findable, so A's tests can fail.
    const own = await ask(b.token, { question: CANARY_QUESTION, collectionIds: [privateId] });
    assert.equal(own.status, 200, own.text);
    assert.match((own.body as unknown as ChatResponseDto).answer, /amber-kestrel-4471/);
    conversationB = (own.body as unknown as ChatResponseDto).conversationId;
  });
  after(() => stack.close());
  beforeEach(() => guard.snapshot());
  afterEach(() => guard.check());

  describe('roles', () => {
    it('answers 403 to a viewer uploading, and stores nothing', async () => {
      const before = (await call('/api/v1/documents?limit=200', stack.token)).body.total;
      const res = await upload(stack, [{ name: 'viewer.pdf', bytes: await makePdf(['A viewer tries to upload this.']) }], {}, viewer.token);
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error!.code, 'forbidden');
      assert.equal((await call('/api/v1/documents?limit=200', stack.token)).body.total, before);
    });

    it('answers 403 to a viewer deleting or retrying a document it can read, and keeps the document', async () => {
      const doc = guard.planted[0]!;
      assert.equal((await call(`/api/v1/documents/${doc.id}`, viewer.token)).status, 200, 'the viewer can read it');
      for (const [method, path] of [['DELETE', doc.id], ['POST', `${doc.id}/retry`]]) {
        const res = await call(`/api/v1/documents/${path}`, viewer.token, { method });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.error!.code, 'forbidden');
      }
    });

    it("answers 403 to an ingest key whose owner became a viewer (a key never widens its owner's role)", async () => {
      const refused = await call('/api/v1/admin/api-keys', stack.token, { method: 'POST', body: JSON.stringify({ name: 'v-key', scopes: ['ingest'], ownerId: viewer.id }) });
      assert.equal(refused.status, 400, 'a viewer was given an ingest key');
      const demoted = await stack.createUser('editor');
      const key = await call('/api/v1/admin/api-keys', stack.token, { method: 'POST', body: JSON.stringify({ name: 'e-key', scopes: ['ingest'], ownerId: demoted.id }) });
      assert.equal(key.status, 201);
      assert.equal((await call(`/api/v1/admin/users/${demoted.id}`, stack.token, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) })).status, 200);
      const res = await upload(stack, [{ name: 'viewer-key.pdf', bytes: await makePdf(['A demoted key tries to upload this.']) }], {}, key.body.secret as string);
      assert.equal(res.status, 403);
      assert.equal((await call(`/api/v1/documents/${guard.planted[0]!.id}`, key.body.secret as string, { method: 'DELETE' })).status, 403);
    });
  });

  describe("B's members-only collection, asked for by A", () => {
    // Every way of naming B's things, and the same route with an id that never existed.
    const probes = (): [string, string, string][] => [
      ['GET', `/api/v1/collections/${privateId}`, `/api/v1/collections/${randomUUID()}`],
      ['GET', `/api/v1/documents?collectionId=${privateId}`, `/api/v1/documents?collectionId=${randomUUID()}`],
      ['GET', `/api/v1/documents/${canaryDoc.id}`, `/api/v1/documents/${randomUUID()}`],
      ['GET', `/api/v1/documents/${canaryDoc.id}/file`, `/api/v1/documents/${randomUUID()}/file`],
      ['DELETE', `/api/v1/documents/${canaryDoc.id}`, `/api/v1/documents/${randomUUID()}`],
      ['POST', `/api/v1/documents/${canaryDoc.id}/retry`, `/api/v1/documents/${randomUUID()}/retry`],
      ['GET', `/api/v1/conversations/${conversationB}`, `/api/v1/conversations/${randomUUID()}`],
      ['PATCH', `/api/v1/conversations/${conversationB}`, `/api/v1/conversations/${randomUUID()}`],
      ['DELETE', `/api/v1/conversations/${conversationB}`, `/api/v1/conversations/${randomUUID()}`],
    ];

    for (const who of ['session', 'API key'] as const) {
      it(`answers 404, exactly as for an id that never existed, to every route (A's ${who})`, async () => {
        const token = who === 'session' ? a.token : aKey;
        for (const [method, path, unknown] of probes()) {
          const body = method === 'PATCH' ? JSON.stringify({ title: 'mine now' }) : undefined;
          const foreign = await call(path, token, { method, body });
          const missing = await call(unknown, token, { method, body });
          // A's key (query and ingest) may not delete documents at all: 403 whatever the id.
          const refused = who === 'API key' && method === 'DELETE' && path.startsWith('/api/v1/documents/');
          assert.equal(foreign.status, refused ? 403 : 404, `${method} ${path}: ${foreign.text}`);
          assert.equal(missing.status, foreign.status, `${method} ${unknown}: ${missing.text}`);
          assert.equal(foreign.body.error!.code, refused ? 'forbidden' : 'not_found');
          assert.equal(foreign.body.error!.message.replace(/: .*/, ''), missing.body.error!.message.replace(/: .*/, ''), `${method} ${path} tells itself apart from a missing id`);
          assert.ok(!CANARY_MARK.test(foreign.text) && !foreign.text.includes('bluefinch-secret'), foreign.text);
        }
      });
    }

    it('leaves them out of every list A gets', async () => {
      const collections = (await call('/api/v1/collections', a.token)).body.items as CollectionDto[];
      assert.ok(collections.length > 0 && !collections.some((c) => c.id === privateId));
      const docs = (await call('/api/v1/documents?limit=200', a.token)).body as unknown as DocumentListDto;
      assert.ok(docs.items.length > 0 && !docs.items.some((d) => d.collectionId === privateId));
      assert.equal(docs.total, docs.items.length);
      const conversations = (await call('/api/v1/conversations', a.token)).body.items as ConversationDto[];
      assert.ok(!conversations.some((c) => c.id === conversationB));
    });

    it('answers 404 to A uploading into it, and to A chatting in it or in B\'s conversation', async () => {
      const up = await upload(stack, [{ name: 'intrude.pdf', bytes: await makePdf(['A tries to add this to B.']) }], { collectionId: privateId }, a.token);
      assert.equal(up.status, 404);
      assert.equal(up.body.error!.code, 'not_found');
      stack.emulator.reset();
      for (const body of [{ question: CANARY_QUESTION, collectionIds: [privateId] }, { question: CANARY_QUESTION, collectionIds: ['default', privateId] }, { question: CANARY_QUESTION, conversationId: conversationB }]) {
        const res = await ask(a.token, body);
        assert.equal(res.status, 404, JSON.stringify(body));
        assert.equal(res.body.error!.code, 'not_found');
      }
      assert.equal(stack.emulator.stats.lastChatRequest, null, 'the model was asked');
    });

    it("leaves B's collection, document, conversation and messages as they were", async () => {
      assert.equal((await call(`/api/v1/documents/${canaryDoc.id}`, b.token)).status, 200);
      const conversation = await call(`/api/v1/conversations/${conversationB}`, b.token);
      assert.equal(conversation.status, 200);
      assert.notEqual(conversation.body.title, 'mine now');
      const messages = conversation.body.messages as MessageDto[];
      assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant']);
      assert.match(messages[1]!.content, /amber-kestrel-4471/);
    });
  });

  describe('answers to A', () => {
    for (const stream of [false, true]) {
      it(`never quote, cite or prompt with the canary from B's collection (${stream ? 'streamed' : 'JSON'})`, async () => {
        stack.emulator.reset();
        // Worded differently each time, so the second is not served from the answer cache.
        const question = stream ? 'Which launch code does Operation Bluefinch use?' : CANARY_QUESTION;
        const res = await stack.fetch('/api/v1/chat', { method: 'POST', token: a.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, stream }) });
        assert.equal(res.status, 200);
        let answer: ChatResponseDto;
        if (stream) {
          const events = await readSse(res);
          const tokens = events.filter((e) => e.event === 'token').map((e) => (e.data as { text: string }).text).join('');
          const sources = events.find((e) => e.event === 'sources')!.data as Pick<ChatResponseDto, 'sources'>;
          const done = events.find((e) => e.event === 'done')!.data as ChatResponseDto;
          answer = { ...done, answer: tokens, sources: sources.sources };
        } else {
          answer = (await res.json()) as ChatResponseDto;
        }
        // The model was asked (the public decoy matched), so the prompt check below means something.
        const prompt = stack.emulator.stats.lastChatRequest;
        assert.ok(prompt, 'the model was not asked');
        assert.match(prompt.messages.map((m) => m.content).join('\n'), /spring warehouse audit/);
        const seen = JSON.stringify({ answer: answer.answer, sources: answer.sources, citations: answer.citations, prompt: prompt.messages });
        assert.ok(!CANARY_MARK.test(seen), `the canary reached A: ${seen.slice(0, 500)}`);
        assert.ok(!seen.includes(canaryDoc.id) && !seen.includes('bluefinch-secret'), 'B\'s document is named to A');
        assert.ok(answer.sources.length > 0 && answer.sources.every((s) => s.documentId !== canaryDoc.id));

        const saved = await call(`/api/v1/conversations/${answer.conversationId}`, a.token);
        assert.ok(!CANARY_MARK.test(saved.text), 'the canary was saved in A\'s conversation');
      });
    }
  });

  describe('socket rooms', () => {
    const sockets: ClientSocket[] = [];
    const open = async (token: string) => {
      const socket: ClientSocket = connect(stack.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token } });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    };
    const record = (socket: ClientSocket) => {
      const events: { name: string; payload: Record<string, unknown> }[] = [];
      socket.onAny((name: string, payload: Record<string, unknown>) => events.push({ name, payload }));
      return events;
    };
    after(() => sockets.forEach((s) => s.disconnect()));

    it('answers not_found to A subscribing to it, alone or with a readable collection, and joins nothing', async () => {
      const socket = await open(a.token);
      for (const collectionIds of [[privateId], ['default', privateId]]) {
        const ack = await socket.emitWithAck('subscribe', { collectionIds });
        assert.deepEqual(ack, { error: { code: 'not_found', message: `collection not found: ${privateId}` } });
      }
      assert.deepEqual(await socket.emitWithAck('subscribe', { collectionIds: ['default'] }), { joined: ['default'] });
    });

    it("sends A no event about B's collection while B's member socket gets them all", async () => {
      const spy = await open(a.token);
      const spyEvents = record(spy);
      await spy.emitWithAck('subscribe', { collectionIds: [privateId] });
      await spy.emitWithAck('subscribe', { collectionIds: ['default'] });
      const onlooker = await open(viewer.token);
      await onlooker.emitWithAck('subscribe', { collectionIds: ['default', privateId] });
      await onlooker.emitWithAck('subscribe', { collectionIds: ['default'] });
      const viewerEvents = record(onlooker);
      const member = await open(b.token);
      const memberEvents = record(member);
      assert.deepEqual(await member.emitWithAck('subscribe', { collectionIds: [privateId] }), { joined: [privateId] });

      const doc = await plantDocument(stack, { name: 'bluefinch-roster.pdf', text: 'The Bluefinch roster lists six auditors.', collectionId: privateId, token: b.token });
      assert.equal((await call(`/api/v1/documents/${doc.id}`, b.token, { method: 'DELETE' })).status, 204);
      const deadline = Date.now() + 5000;
      while (!memberEvents.some((e) => e.name === 'document.deleted') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

      const names = memberEvents.filter((e) => e.payload.id === doc.id || e.payload.documentId === doc.id).map((e) => e.name);
      for (const name of ['document.queued', 'document.progress', 'document.ready', 'document.deleted']) assert.ok(names.includes(name), `the member missed ${name}: ${names.join(',')}`);
      const leaked = [...spyEvents, ...viewerEvents].filter((e) => e.payload.collectionId === privateId || JSON.stringify(e.payload).includes(doc.id));
      assert.deepEqual(leaked, []);
    });
  });
});
