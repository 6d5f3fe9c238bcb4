import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { makePdf } from '../../test/support/fixtures.ts';
import { startStack, upload, type TestStack } from '../../test/support/stack.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('bad input gets a clear 4xx and nothing is stored', () => {
  let stack: TestStack;
  let pdf: Buffer;

  before(async () => {
    stack = await startStack({ env: { UPLOAD_MAX_FILE_MB: '1', UPLOAD_MAX_FILES: '3', QUESTION_MAX_CHARS: '500' } });
    pdf = await makePdf(['A small valid document.']);
  });
  after(() => stack.close());
  afterEach(() => {
    const { documents, uploads } = stack.config.paths;
    assert.equal((stack.services.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n, 0, 'no document row');
    assert.deepEqual(fs.readdirSync(documents), [], 'no stored file');
    assert.deepEqual(fs.readdirSync(uploads), [], 'no temp file');
  });

  const cases: [string, () => Promise<{ status: number; body: { error?: { code: string; message: string } } }>, number, RegExp][] = [
    ['a zero-byte file', () => upload(stack, [{ name: 'empty.pdf', bytes: Buffer.alloc(0) }]), 400, /empty/],
    ['bytes that are not what the name says', () => upload(stack, [{ name: 'picture.pdf', bytes: PNG }]), 415, /not a PDF.*PNG/i],
    ['a file over the size limit', () => upload(stack, [{ name: 'big.txt', bytes: 'a'.repeat(1024 * 1024 + 10) }]), 413, /larger than/],
    ['too many files', () => upload(stack, [1, 2, 3, 4].map((i) => ({ name: `f${i}.pdf`, bytes: pdf }))), 400, /too many files/],
    ['an unknown file extension', () => upload(stack, [{ name: 'tool.exe', bytes: pdf }]), 415, /./],
    ['an unknown form field', () => upload(stack, [{ name: 'a.pdf', bytes: pdf }], { owner: 'me' }), 400, /owner/],
    ['a valid file next to a bad one', () => upload(stack, [{ name: 'ok.pdf', bytes: pdf }, { name: 'bad.pdf', bytes: PNG }]), 415, /bad\.pdf/],
    ['an upload with no files', () => upload(stack, []), 400, /no files/],
    ['an unknown collection', () => upload(stack, [{ name: 'a.pdf', bytes: pdf }], { collectionId: 'nope' }), 404, /collection/],
  ];
  for (const [what, send, status, message] of cases) {
    it(`answers ${status} to ${what}`, async () => {
      const res = await send();
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.error!.message, message);
      assert.equal((await stack.fetch(`/health`)).status, 200);
    });
  }

  it('answers 400 to a file sent in an unexpected field', async () => {
    const form = new FormData();
    form.append('attachment', new Blob([pdf]), 'a.pdf');
    const res = await stack.fetch(`/api/v1/documents`, { method: 'POST', body: form });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /"files" field/);
  });

  it('answers 400 to a body that is not multipart', async () => {
    const res = await stack.fetch(`/api/v1/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 400);
  });

  const chat = (body: string) => stack.fetch(`/api/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const chatCases: [string, string, number, RegExp][] = [
    ['an empty question', JSON.stringify({ question: '' }), 400, /question is empty/],
    ['a whitespace question', JSON.stringify({ question: '   \n\t ' }), 400, /question is empty/],
    ['a question over the length cap', JSON.stringify({ question: 'why '.repeat(200) }), 400, /longer than 500/],
    ['malformed JSON', '{"question": "why', 400, /not valid JSON/],
    ['a question that is not a string', JSON.stringify({ question: ['a'] }), 400, /must be a string/],
    ['an unknown field', JSON.stringify({ question: 'why?', temperature: 2 }), 400, /temperature/],
    ['an unknown conversation', JSON.stringify({ question: 'why?', conversationId: crypto.randomUUID() }), 404, /conversation not found/],
  ];
  it('serves the question limit it holds questions to, for the dashboard to use', async () => {
    const res = await stack.fetch('/api/v1/chat/limits');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { questionMaxChars: 500 });
  });

  for (const [what, body, status, message] of chatCases) {
    it(`answers ${status} to a chat request with ${what}`, async () => {
      const res = await chat(body);
      assert.equal(res.status, status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.match(json.error.message, message);
    });
  }

  it('answers 404 to an unknown document id, for every document route', async () => {
    const id = crypto.randomUUID();
    for (const [method, path] of [['GET', id], ['DELETE', id], ['POST', `${id}/retry`], ['GET', 'not-a-uuid']] as const) {
      const res = await stack.fetch(`/api/v1/documents/${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
    }
  });
});
