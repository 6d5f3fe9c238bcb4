import { UnauthorizedError } from './errors.ts';
import { apiUrl, readBody, send } from './http.ts';
import { session, type SessionStore } from './session.ts';

export * from './errors.ts';

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, or as is when it is FormData. */
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function buildInit(options: RequestOptions, token: string | null): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return { method: options.method ?? 'GET', headers, body, signal: options.signal };
}

/**
 * The API client of one session store. Its `withSession` holds the session rules every call
 * follows: it sends with the access token, and on a 401 refreshes once with the cookie and sends
 * again; a second 401 ends the session (the app asks to sign in again in place). `apiFetch` is
 * the one way to call the API with fetch; any failure is thrown as the typed error for its status.
 */
export function createApiClient(store: SessionStore) {
  async function withSession<T>(sendWith: (token: string | null) => Promise<T>): Promise<T> {
    const token = store.token();
    try {
      return await sendWith(token);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      const fresh = token ? await store.refresh() : null;
      if (!fresh) {
        store.expire();
        throw err;
      }
      try {
        return await sendWith(fresh);
      } catch (again) {
        if (again instanceof UnauthorizedError) store.expire();
        throw again;
      }
    }
  }

  function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
    const url = apiUrl(path, options.query);
    return withSession((token) => send(url, buildInit(options, token)));
  }

  /** `apiFetch` and parse the JSON answer. */
  async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await apiFetch(path, options);
    return (await readBody(res)) as T;
  }

  const api = {
    get: <T>(path: string, query?: Query, signal?: AbortSignal) => apiJson<T>(path, { query, signal }),
    post: <T>(path: string, body?: unknown) => apiJson<T>(path, { method: 'POST', body }),
    put: <T>(path: string, body: unknown) => apiJson<T>(path, { method: 'PUT', body }),
    patch: <T>(path: string, body: unknown) => apiJson<T>(path, { method: 'PATCH', body }),
    delete: <T = null>(path: string) => apiJson<T>(path, { method: 'DELETE' }),
  };
  return { withSession, apiFetch, apiJson, api };
}

/** The app's client, on the app's session. */
export const { withSession, apiFetch, apiJson, api } = createApiClient(session);
