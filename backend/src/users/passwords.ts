import { argon2, randomBytes, timingSafeEqual, type Argon2Parameters } from 'node:crypto';

/** argon2id cost (OWASP's baseline: 19 MiB, 2 passes, 1 lane). Raising it rehashes on the next sign-in. */
const COST = { memory: 19_456, passes: 2, parallelism: 1 } as const;
const SALT_BYTES = 16;
const TAG_BYTES = 32;
const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{16,})$/;

function derive(params: Argon2Parameters): Promise<Buffer> {
  return new Promise((resolve, reject) => argon2('argon2id', params, (err, key) => (err ? reject(err) : resolve(key))));
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** Hashes a password with argon2id into a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
export async function hashPassword(password: string): Promise<string> {
  const nonce = randomBytes(SALT_BYTES);
  const tag = await derive({ message: password, nonce, tagLength: TAG_BYTES, ...COST });
  return `$argon2id$v=19$m=${COST.memory},t=${COST.passes},p=${COST.parallelism}$${b64(nonce)}$${b64(tag)}`;
}

/** Checks a password against a PHC string in constant time; false for a malformed hash, never a throw. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const m = PHC.exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const tag = await derive({
    message: password,
    nonce: Buffer.from(m[4]!, 'base64'),
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: expected.length,
  });
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}

/** True when a stored hash was made with another cost than today's and should be replaced. */
export function needsRehash(phc: string): boolean {
  const m = PHC.exec(phc);
  return !m || Number(m[1]) !== COST.memory || Number(m[2]) !== COST.passes || Number(m[3]) !== COST.parallelism;
}

let dummy: Promise<string> | undefined;

/** A hash of a random password, verified against when an email is unknown so timing does not tell. */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummy;
}
