import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, upload, type TestStack } from '../test/support/stack.ts';
import { createLogger, scoped, withLogContext } from './logger.ts';

type Line = Record<string, unknown>;

/** A pino destination that keeps every line, parsed. */
function captureLines() {
  const lines: Line[] = [];
  return { lines, write: (chunk: string) => void lines.push(JSON.parse(chunk) as Line) };
}

describe('log context', () => {
  it('puts the id of the context on every line logged inside it, and on none outside', async () => {
    const out = captureLines();
    const logger = scoped(createLogger({ log: { level: 'info' } }, out), 'documents');
    await withLogContext({ requestId: 'r-1' }, async () => {
      logger.info({ documentId: 'd1' }, 'inside');
      await new Promise((r) => setTimeout(r, 1));
      logger.info('after an await');
    });
    logger.info('outside');
    assert.deepEqual(
      out.lines.map((l) => [l.msg, l.requestId, l.scope]),
      [['inside', 'r-1', 'documents'], ['after an await', 'r-1', 'documents'], ['outside', undefined, 'documents']],
    );
    // A line's own fields stay on that line.
    assert.equal(out.lines[1]!.documentId, undefined);
  });
});

describe('request and job ids in the logs of the real app', () => {
  let stack: TestStack;
  const out = captureLines();

  before(async () => {
    stack = await startStack({ env: { LOG_LEVEL: 'debug' }, logTo: out });
  });
  after(async () => {
    await stack?.close();
  });

  it('carries the request id on a line the documents service logs, and the job id on the lines of its ingestion', async () => {
    const sent = await upload(stack, [{ name: 'notes.txt', bytes: 'Pumps move water. Valves stop it.', type: 'text/plain' }]);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const id = sent.body.documents![0]!.id;
    await stack.waitForStatus(id, ['ready']);

    const res = await stack.fetch(`/api/v1/documents/${id}`, { method: 'DELETE', headers: { 'X-Request-Id': 'deep-request-7' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('x-request-id'), 'deep-request-7');

    const deleted = out.lines.find((l) => l.msg === 'document deleted' && l.documentId === id);
    assert.ok(deleted, 'the documents service logged the delete');
    assert.equal(deleted.scope, 'documents');
    assert.equal(deleted.requestId, 'deep-request-7');

    const ready = out.lines.find((l) => l.msg === 'document ready' && l.documentId === id);
    assert.ok(ready, 'the ingest job logged the document ready');
    assert.equal(typeof ready.jobId, 'string');
    assert.equal(ready.requestId, undefined, 'a job does not inherit the id of the request that queued it');
  });
});
