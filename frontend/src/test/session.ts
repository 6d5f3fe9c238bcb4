import { afterEach, beforeEach, vi } from 'vitest';
import type { UserDto } from '@contracts/auth.ts';
import { signIn, signOut } from '../api/session.ts';
import { json, mockFetch } from './fetchMock.ts';

/** A user as the API presents it (a viewer named Ann), with the given fields changed. */
export function makeUser(change: Partial<UserDto> = {}): UserDto {
  return { id: 'u1', email: 'ann@example.org', name: 'Ann', role: 'viewer', disabled: false, createdAt: '', lastLoginAt: null, ...change };
}

interface SignedInOptions {
  user?: UserDto;
  accessToken?: string;
  /** Where the browser is when each test starts, e.g. "/chat". */
  path?: string;
}

/**
 * Gives every test of the file a signed-in session: before each, `user` signs in through a faked
 * login (and the page is at `path`); after each, the session ends and the faked globals go.
 */
export function signInForEachTest({ user = makeUser(), accessToken = 'token', path }: SignedInOptions = {}) {
  beforeEach(async () => {
    mockFetch({ 'POST /api/v1/auth/login': () => json({ accessToken, expiresIn: 900, user }) });
    await signIn(user.email, 'password');
    if (path) window.history.replaceState(null, '', path);
  });
  afterEach(async () => {
    await signOut();
    vi.unstubAllGlobals();
  });
}
