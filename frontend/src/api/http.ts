import { NetworkError, toApiError } from './errors.ts';

export const API_BASE = '/api/v1';

/** `fetch` that throws a typed error for any non-2xx answer and a NetworkError when there is no answer. */
export async function send(url: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new NetworkError();
  }
  if (res.ok) return res;
  throw toApiError(res.status, await readBody(res), res.headers);
}

/** The JSON body, or null when there is none or it is not JSON. */
export async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** `/api/v1/...` with a query string from the defined values. */
export function apiUrl(path: string, query?: Record<string, string | number | boolean | undefined | null>): string {
  const url = `${API_BASE}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}
