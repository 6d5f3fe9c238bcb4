/** Typed errors: thrown anywhere, turned into `{ error: { code, message } }` once, in the error middleware. */
export class HttpError extends Error {
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

export class BadRequestError extends HttpError {
  constructor(message: string, details?: unknown, code = 'bad_request') {
    super(400, code, message, details);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends HttpError {
  constructor(message = 'not allowed') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends HttpError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}
export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}
/** The client went away before its request was complete (an aborted upload): nobody reads the answer. */
export class ClientClosedRequestError extends HttpError {
  constructor(message = 'the client closed the connection before the request was complete') {
    super(499, 'client_closed_request', message);
  }
}
export class TooManyRequestsError extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
/** A dependency (Ollama, Chroma, Redis) cannot serve the request right now. */
export class ServiceUnavailableError extends HttpError {
  readonly dependency: string;
  constructor(dependency: string, message: string) {
    super(503, `${dependency}_unavailable`, message);
    this.dependency = dependency;
  }
}
/** A dependency (Ollama, Chroma) answered, but with something the product cannot use. */
export class BadGatewayError extends HttpError {
  readonly dependency: string;
  constructor(dependency: string, code: string, message: string) {
    super(502, code, message);
    this.dependency = dependency;
  }
}
