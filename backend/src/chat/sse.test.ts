import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { chatStreamEventSchema } from '../contracts/chat.ts';
import { TooManyRequestsError } from '../http/errors.ts';
import { streamEvents } from './sse.ts';

/** An app whose one route streams a token and then fails with `err`. */
function failingStream(err: Error) {
  const app = express();
  app.get('/stream', (_req, res, next) =>
    streamEvents(res, next, async (write) => {
      write({ event: 'token', data: { text: 'Krakatoa' } });
      throw err;
    }),
  );
  return app;
}

/** The events of an SSE body, each checked against the contract. */
function eventsOf(text: string) {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return chatStreamEventSchema.parse({ event: eventLine.replace('event: ', ''), data: JSON.parse(dataLine.replace('data: ', '')) as unknown });
    });
}

describe('streamed answer events', () => {
  it('ends a stream that hits a rate limit with an error event that says how long to wait', async () => {
    const res = await request(failingStream(new TooManyRequestsError('too many questions; try again in 7 s', 7))).get('/stream');
    assert.equal(res.status, 200);
    assert.deepEqual(eventsOf(res.text).at(-1), { event: 'error', data: { code: 'rate_limited', message: 'too many questions; try again in 7 s', retryAfterSeconds: 7 } });
  });

  it('sends no wait for an error that is not a rate limit', async () => {
    const res = await request(failingStream(new Error('boom'))).get('/stream');
    const last = eventsOf(res.text).at(-1);
    assert.equal(last?.event, 'error');
    assert.equal(last.event === 'error' && 'retryAfterSeconds' in last.data, false);
  });
});
