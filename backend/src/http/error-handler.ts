import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { ChromaError } from '../clients/chroma.ts';
import { OllamaError } from '../clients/ollama.ts';
import { InvalidEmbeddingError } from '../embedding/embedder.ts';
import { BadGatewayError, ClientClosedRequestError, HttpError, NotFoundError, ServiceUnavailableError, TooManyRequestsError } from './errors.ts';

/** Turns any thrown error into `{ error: { code, message } }` with the right status; unknown ones into a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const http = toHttpError(err);
    const requestId = res.getHeader('x-request-id');
    // An ordinary event, not a fault: no stack, nothing to answer.
    if (http instanceof ClientClosedRequestError) logger.info({ requestId, method: req.method, path: req.path }, 'client aborted the request');
    else if (http.status >= 500) logger.error({ err, requestId, path: req.path }, 'request failed');
    else logger.debug({ code: http.code, requestId, path: req.path }, http.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (http instanceof TooManyRequestsError) res.setHeader('Retry-After', String(http.retryAfterSeconds));
    const body: { code: string; message: string; details?: unknown } = { code: http.code, message: http.message };
    if (http.details !== undefined && http.status < 500) body.details = http.details;
    res.status(http.status).json({ error: body });
  };
}

/** Maps errors from libraries and clients to the product's typed errors. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof OllamaError) {
    if (err.kind === 'model_missing') return new ServiceUnavailableError('ollama', err.message);
    if (err.kind === 'bad_response') return new BadGatewayError('ollama', 'ollama_bad_response', err.message);
    return new ServiceUnavailableError('ollama', `${err.message}; answers need Ollama to be running`);
  }
  if (err instanceof InvalidEmbeddingError) return new BadGatewayError('ollama', 'embedding_invalid', `${err.message}; check that model in Ollama`);
  if (err instanceof ChromaError && err.kind === 'unreachable') {
    return new ServiceUnavailableError('chroma', 'the vector store (Chroma) is unreachable; try again shortly');
  }
  if (err instanceof ChromaError) {
    // Chroma's own wording stays in the log: it names collections and internals.
    return new BadGatewayError('chroma', 'chroma_error', 'the vector store (Chroma) refused the request; the error has been logged');
  }
  const e = err as { type?: string; status?: number; code?: string; name?: string };
  // body-parser's errors carry a type and a 4xx status.
  if (e?.type === 'request.aborted') return new ClientClosedRequestError();
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'the request body is too large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new HttpError(415, 'unsupported_media_type', 'unsupported body encoding');
  // ioredis's ways of saying Redis is away (its offline errors carry no class of their own).
  if (e?.name === 'MaxRetriesPerRequestError' || /^(Connection is closed|Stream isn't writeable)/.test(String((err as Error)?.message))) {
    return new ServiceUnavailableError('redis', 'Redis is unreachable; try again shortly');
  }
  return new HttpError(500, 'internal', 'something went wrong on our side; the error has been logged');
}

export const notFoundHandler: RequestHandler = (req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`));
