import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SubscribeRequest } from '../contracts/events.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';

describe('socket subscriptions', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('acks a subscribe whose payload is not { collectionIds: string[] } with bad_request', async () => {
    const socket = await stack.socket([]);
    for (const payload of [{ collectionIds: [] }, { collectionIds: 'default' }, { collectionIds: ['default'], all: true }, null]) {
      const ack = await socket.emitWithAck('subscribe', payload as unknown as SubscribeRequest);
      assert.deepEqual(ack, { error: { code: 'bad_request', message: 'subscribe takes { collectionIds: string[] }' } }, JSON.stringify(payload));
    }
    assert.deepEqual(await socket.emitWithAck('subscribe', { collectionIds: ['default'] }), { joined: ['default'] });
  });
});
