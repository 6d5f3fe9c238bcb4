import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ForbiddenError, NetworkError, NotFoundError, RateLimitedError, ServiceUnavailableError, UnauthorizedError, ValidationError, createApiClient,
} from './client.ts';
import { createSessionStore, type SessionStore } from './session.ts';
import { json, mockFetch } from '../test/fetchMock.ts';

const user = { id: 'u1', email: 'ann@example.org', name: 'Ann', role: 'editor' as const, disabled: false, createdAt: '', lastLoginAt: null };
// Each test gets a store and a client of its own; `signedIn()` starts it signed in.
let session: SessionStore;
let api: ReturnType<typeof createApiClient>['api'];
const useStore = (store: SessionStore) => {
  session = store;
  api = createApiClient(store).api;
};
const signedIn = () => useStore(createSessionStore({ status: 'signedIn', user, accessToken: 'old-token' }));

beforeEach(() => useStore(createSessionStore()));
afterEach(() => {
  vi.unstubAllGlobals();
  session.expire();
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('API client error mapping', () => {
  it('turns a 429 into RateLimited with the seconds from Retry-After', async () => {
    signedIn();
    mockFetch({ 'POST /api/v1/chat': () => json({ error: { code: 'rate_limited', message: 'slow down' } }, 429, { 'Retry-After': '17' }) });
    const err = await failure(api.post('/chat', { question: 'q' }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(17);
  });

  it('turns a 503 ollama_unavailable into ServiceUnavailable naming ollama', async () => {
    signedIn();
    mockFetch({ 'POST /api/v1/chat': () => json({ error: { code: 'ollama_unavailable', message: 'Ollama is unreachable' } }, 503) });
    const err = await failure(api.post('/chat', {}));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).dependency).toBe('ollama');
    expect((err as Error).message).toBe('Ollama is unreachable');
  });

  it('turns a 400 into Validation with the per-field issues the server sent', async () => {
    signedIn();
    const details = [{ path: 'topK', message: 'too big' }];
    mockFetch({ 'PUT /api/v1/admin/settings': () => json({ error: { code: 'validation_failed', message: 'invalid', details } }, 400) });
    const err = await failure(api.put('/admin/settings', { topK: 1000 }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual(details);
  });

  it('turns a 404 into NotFound', async () => {
    signedIn();
    mockFetch({ 'GET /api/v1/documents/x': () => json({ error: { code: 'not_found', message: 'document not found' } }, 404) });
    expect(await failure(api.get('/documents/x'))).toBeInstanceOf(NotFoundError);
  });

  it('turns a 403 into Forbidden and keeps the session', async () => {
    signedIn();
    mockFetch({ 'DELETE /api/v1/documents/d1': () => json({ error: { code: 'forbidden', message: 'viewers cannot delete' } }, 403) });
    expect(await failure(api.delete('/documents/d1'))).toBeInstanceOf(ForbiddenError);
    expect(session.get().status).toBe('signedIn');
  });

  it('reports no answer at all as a NetworkError', async () => {
    signedIn();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    expect(await failure(api.get('/collections'))).toBeInstanceOf(NetworkError);
  });
});

describe('API client sessions', () => {
  it('sends the access token as a Bearer header', async () => {
    signedIn();
    const calls = mockFetch({ 'GET /api/v1/collections': () => json({ items: [] }) });
    await api.get('/collections');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer old-token');
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    signedIn();
    const calls = mockFetch({
      'GET /api/v1/collections': ({ init }) =>
        new Headers(init.headers).get('authorization') === 'Bearer new-token' ? json({ items: [{ id: 'default' }] }) : json({ error: { code: 'unauthorized', message: 'expired' } }, 401),
      'POST /api/v1/auth/refresh': () => json({ accessToken: 'new-token', expiresIn: 900, user }),
    });
    expect(await api.get('/collections')).toEqual({ items: [{ id: 'default' }] });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v1/collections', 'POST /api/v1/auth/refresh', 'GET /api/v1/collections']);
    expect(session.token()).toBe('new-token');
  });

  it('ends the session, keeping the user, when the refresh is refused too', async () => {
    signedIn();
    mockFetch({
      'GET /api/v1/collections': () => json({ error: { code: 'unauthorized', message: 'expired' } }, 401),
      'POST /api/v1/auth/refresh': () => json({ error: { code: 'unauthorized', message: 'no refresh token' } }, 401),
    });
    expect(await failure(api.get('/collections'))).toBeInstanceOf(UnauthorizedError);
    expect(session.get()).toEqual({ status: 'expired', user });
  });

  it('asks for one refresh when many calls fail at once', async () => {
    signedIn();
    const calls = mockFetch({
      'GET /api/v1/collections': ({ init }) =>
        new Headers(init.headers).get('authorization') === 'Bearer new-token' ? json({ items: [] }) : json({ error: { code: 'unauthorized', message: 'expired' } }, 401),
      'POST /api/v1/auth/refresh': () => json({ accessToken: 'new-token', expiresIn: 900, user }),
    });
    await Promise.all([api.get('/collections'), api.get('/collections'), api.get('/collections')]);
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });
});
