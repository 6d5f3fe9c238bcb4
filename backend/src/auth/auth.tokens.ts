import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ROLES, type UserRole } from '../contracts/auth.ts';
import { UnauthorizedError } from '../http/errors.ts';

const ALGORITHM = 'HS256';
const MIN_SECRET_BYTES = 32;

export interface AccessTokenSettings {
  /** At least 32 bytes: AUTH_JWT_SECRET, or what `loadOrCreateSecret` returned. */
  secret: string;
  issuer: string;
  audience: string;
  ttlS: number;
}

/** What a verified access token says. The role is informational: requests use the role stored now. */
export interface AccessClaims {
  userId: string;
  role: UserRole;
  sessionId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(100),
  role: z.enum(ROLES),
  sid: z.string().min(1).max(100),
  exp: z.number(),
});

/** Signs and verifies access tokens: HS256 only, with issuer, audience and a short expiry. */
export function createAccessTokens(settings: AccessTokenSettings) {
  const key = new TextEncoder().encode(settings.secret);
  if (key.byteLength < MIN_SECRET_BYTES) throw new Error(`the access token secret must have at least ${MIN_SECRET_BYTES} bytes`);

  return {
    ttlS: settings.ttlS,

    async sign(claims: { userId: string; role: UserRole; sessionId: string }): Promise<string> {
      return new SignJWT({ role: claims.role, sid: claims.sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime(`${settings.ttlS}s`)
        .sign(key);
    },

    /** The claims of a valid token; UnauthorizedError for anything else (alg none, other secret, expired, other iss/aud). */
    async verify(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: 5,
        });
        const claims = claimsSchema.parse(payload);
        return { userId: claims.sub, role: claims.role, sessionId: claims.sid, expiresAt: claims.exp * 1000 };
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('the access token has expired');
        throw new UnauthorizedError('the access token is not valid');
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** A new opaque secret token: 32 random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** How refresh tokens and API keys are stored: SHA-256, hex. They are random, so no salt is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The signing secret kept under `<dataDir>/secrets/jwt-secret` (mode 0600): made once, read after.
 * Creation is atomic (hard link of a finished temp file), so two processes starting together agree.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, 'jwt-secret');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    const temp = path.join(dir, `.jwt-secret.${process.pid}.${randomToken(6)}`);
    fs.writeFileSync(temp, `${randomToken(48)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`${file} holds fewer than ${MIN_SECRET_BYTES} bytes; delete it to have a new one made, or set AUTH_JWT_SECRET`);
  }
  return secret;
}
