import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

describe('password hashing', () => {
  it('stores argon2id as a PHC string with a random salt', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes('correct horse'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword(hash, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(hash, 'correct horse battery stapl'), false);
    assert.equal(await verifyPassword(hash, ''), false);
  });

  it('answers false, not an exception, for a malformed or foreign hash', async () => {
    assert.equal(await verifyPassword('', 'x'), false);
    assert.equal(await verifyPassword('$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234', 'x'), false);
    assert.equal(await verifyPassword('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA', 'x'), false);
  });

  it('verifies hashes made with other costs, and says they need a rehash', async () => {
    const { argon2Sync, randomBytes } = await import('node:crypto');
    const nonce = randomBytes(16);
    const tag = argon2Sync('argon2id', { message: 'pw-with-old-cost', nonce, memory: 8192, passes: 3, parallelism: 1, tagLength: 32 });
    const old = `$argon2id$v=19$m=8192,t=3,p=1$${nonce.toString('base64').replace(/=+$/, '')}$${tag.toString('base64').replace(/=+$/, '')}`;
    assert.equal(await verifyPassword(old, 'pw-with-old-cost'), true);
    assert.equal(needsRehash(old), true);
    assert.equal(needsRehash(await hashPassword('x')), false);
  });

  it('keeps one dummy hash for unknown emails, which no password matches by chance', async () => {
    const dummy = await dummyPasswordHash();
    assert.equal(dummy, await dummyPasswordHash());
    assert.equal(await verifyPassword(dummy, 'password'), false);
  });
});
