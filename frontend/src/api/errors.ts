import type { ChatStreamErrorDto } from '@contracts/chat.ts';

/**
 * Typed errors for every way an API call can fail; `toApiError` is the one place HTTP turns into
 * them (`toStreamError` for the `error` event that ends a streamed answer).
 */
export interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 401: no valid session; the client refreshes once before this reaches a screen. */
export class UnauthorizedError extends ApiError {}
/** 403: signed in, but the role or scope does not allow it. */
export class ForbiddenError extends ApiError {}
export class NotFoundError extends ApiError {}
/** 405: the server does not offer this method here (a feature not deployed yet). */
export class MethodNotAllowedError extends ApiError {}
export class ConflictError extends ApiError {}
/** 400 or 422: the input was refused; `issues` says which field and why, when the server said so. */
export class ValidationError extends ApiError {
  get issues(): { path: string; message: string }[] {
    return Array.isArray(this.details) ? (this.details as { path: string; message: string }[]) : [];
  }
}
export class PayloadTooLargeError extends ApiError {}
export class UnsupportedMediaTypeError extends ApiError {}
/** 429: wait `retryAfterSeconds` (from Retry-After) before trying again. */
export class RateLimitedError extends ApiError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, code = 'rate_limited') {
    super(429, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
/** 503: a dependency (`ollama`, `chroma`, `redis`…) cannot serve the request right now. */
export class ServiceUnavailableError extends ApiError {
  readonly dependency: string | null;
  constructor(code: string, message: string) {
    super(503, code, message);
    this.dependency = /^(.+)_unavailable$/.exec(code)?.[1] ?? null;
  }
}
/** 5xx other than 503. */
export class ServerError extends ApiError {}
/** The request never got an HTTP answer (offline, server down, connection reset). */
export class NetworkError extends ApiError {
  constructor(message = 'the server could not be reached; check your connection') {
    super(0, 'network_error', message);
  }
}

/** The server answered, but what it sent cannot be read: an event that breaks the contract, or a stream cut off. */
export class BrokenResponseError extends ApiError {}

const DEFAULT_RETRY_AFTER_S = 30;

/** Seconds from a Retry-After header (seconds or an HTTP date); a sane default when absent. */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (!value) return DEFAULT_RETRY_AFTER_S;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_S : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Maps an HTTP status, the `{ error }` body and headers to the typed error for it. */
export function toApiError(status: number, body: unknown, headers: Pick<Headers, 'get'>): ApiError {
  const err = (body as ErrorBody | null)?.error;
  const code = err?.code ?? `http_${status}`;
  const message = err?.message ?? defaultMessage(status);
  const details = err?.details;
  switch (status) {
    case 400:
    case 422:
      return new ValidationError(status, code, message, details);
    case 401:
      return new UnauthorizedError(status, code, message);
    case 403:
      return new ForbiddenError(status, code, message);
    case 404:
      return new NotFoundError(status, code, message);
    case 405:
      return new MethodNotAllowedError(status, code, message);
    case 409:
      return new ConflictError(status, code, message);
    case 413:
      return new PayloadTooLargeError(status, code, message);
    case 415:
      return new UnsupportedMediaTypeError(status, code, message);
    case 429:
      return new RateLimitedError(message, parseRetryAfter(headers.get('retry-after')), code);
    case 503:
      return new ServiceUnavailableError(code, message);
    default:
      return status >= 500 ? new ServerError(status, code, message) : new ApiError(status, code, message, details);
  }
}

/**
 * The typed error for the `error` event that ends a streamed answer. The event carries no HTTP
 * status, so its code stands for it (`rate_limited`, `<dependency>_unavailable`, else a server
 * failure), and its `retryAfterSeconds` for the Retry-After header.
 */
export function toStreamError({ code, message, retryAfterSeconds }: ChatStreamErrorDto): ApiError {
  const status = code === 'rate_limited' ? 429 : code.endsWith('_unavailable') ? 503 : 500;
  const retryAfter = retryAfterSeconds === undefined ? null : String(retryAfterSeconds);
  return toApiError(status, { error: { code, message } }, { get: (name) => (name.toLowerCase() === 'retry-after' ? retryAfter : null) });
}

function defaultMessage(status: number): string {
  if (status === 401) return 'please sign in';
  if (status === 403) return 'you are not allowed to do this';
  if (status === 404) return 'not found';
  if (status === 429) return 'too many requests; wait a moment';
  if (status === 503) return 'a service the server needs is unavailable';
  if (status >= 500) return 'something went wrong on the server';
  return `the request failed (HTTP ${status})`;
}

/**
 * Words for a person, for any error a call may throw. `names` are the names the message may
 * start with (the file being uploaded): they are shown exactly as they are.
 */
export function describeError(err: unknown, names: string[] = []): string {
  if (err instanceof RateLimitedError) return `Too many requests. Try again in ${err.retryAfterSeconds} s.`;
  if (err instanceof ServiceUnavailableError && err.dependency === 'ollama') return 'The language model service (Ollama) is unreachable.';
  if (err instanceof ApiError) return capitalise(err.message, names);
  if (err instanceof Error && err.name === 'AbortError') return 'Cancelled.';
  return 'Something went wrong.';
}

/**
 * Starts a message with a capital when its first word is a plain word ("this type…"), and leaves
 * it alone when it starts with a name ("notes.xlsx is…", "'q3' already exists"): a name is
 * never altered.
 */
export function capitalise(text: string, names: string[] = []): string {
  if (names.some((name) => name && text.startsWith(name))) return text;
  const first = /^\S*/.exec(text)![0];
  if (!/^[a-z]+,?$/.test(first)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
