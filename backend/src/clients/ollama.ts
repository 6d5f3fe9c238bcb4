import { Ollama, type Message } from 'ollama';
import type { Config } from '../config.ts';

export type OllamaFailure = 'unreachable' | 'model_missing' | 'bad_response';

/** Anything that went wrong talking to Ollama, classified once here. */
export class OllamaError extends Error {
  readonly kind: OllamaFailure;
  constructor(kind: OllamaFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OllamaError';
    this.kind = kind;
  }
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export interface OllamaModel {
  name: string;
  sizeBytes: number | null;
  family: string | null;
}

/** What a model can do, as Ollama's /api/show reports it: "completion", "embedding", "tools"…; null when this Ollama does not say. */
export type ModelCapabilities = string[] | null;

export interface OllamaModelInfo extends OllamaModel {
  capabilities: ModelCapabilities;
}

export interface OllamaStatus {
  version: string;
  models: OllamaModel[];
}

export interface LlmClient {
  readonly host: string;
  /** Embeds texts with the embedding model; one vector per text, in order. */
  embed(texts: string[], options: { model: string; signal?: AbortSignal }): Promise<number[][]>;
  /** Streams answer tokens from the chat model; aborting `signal` cancels the request to Ollama. */
  chat(messages: ChatMessage[], options: { model: string; temperature: number; signal?: AbortSignal }): AsyncIterable<string>;
  /** Version and the names of the models Ollama has. */
  status(signal?: AbortSignal): Promise<OllamaStatus>;
  /** The models Ollama has, each with what it can do (one /api/show per model). */
  models(signal?: AbortSignal): Promise<OllamaModelInfo[]>;
}

/** The capability a model needs to serve as the chat model or the embedding model. */
export const NEEDED_CAPABILITY = { chatModel: 'completion', embedModel: 'embedding' } as const;

/** Ollama names `x` and `x:latest` the same model. */
export function sameModel(a: string, b: string): boolean {
  const norm = (m: string) => (m.includes(':') ? m : `${m}:latest`);
  return norm(a) === norm(b);
}

export function createOllamaClient(config: Pick<Config, 'ollama'>): LlmClient {
  const { host, timeoutMs } = config.ollama;
  // The timeout covers the whole exchange; a caller's signal (client went away) also ends it.
  const timedFetch: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
  const client = new Ollama({ host, fetch: timedFetch });

  return {
    host,
    async embed(texts, { model, signal }) {
      if (texts.length === 0) return [];
      const res = await call(() => withSignal(signal, () => client.embed({ model, input: texts, truncate: true })), model);
      if (!Array.isArray(res.embeddings) || res.embeddings.length !== texts.length) {
        throw new OllamaError('bad_response', `Ollama returned ${res.embeddings?.length ?? 0} embeddings from model "${model}" for ${texts.length} texts`);
      }
      return res.embeddings;
    },
    async *chat(messages, { model, temperature, signal }) {
      const stream = await call(
        () =>
          client.chat({
            model,
            messages: messages as Message[],
            stream: true,
            options: { temperature },
          }),
        model,
      );
      const onAbort = () => stream.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (signal?.aborted) stream.abort();
        for await (const part of stream) {
          if (part.message?.content) yield part.message.content;
        }
      } catch (err) {
        if (signal?.aborted) return;
        throw classify(err, model);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async status(signal) {
      const [version, tags] = await Promise.all([
        call(() => withSignal(signal, () => client.version()), ''),
        call(() => withSignal(signal, () => client.list()), ''),
      ]);
      return {
        version: version.version,
        models: tags.models.map((m) => ({ name: m.name, sizeBytes: m.size ?? null, family: m.details?.family ?? null })),
      };
    },
    async models(signal) {
      const tags = await call(() => withSignal(signal, () => client.list()), '');
      return Promise.all(
        tags.models.map(async (m) => {
          const shown = await call(() => withSignal(signal, () => client.show({ model: m.name })), m.name);
          const capabilities = Array.isArray(shown.capabilities) ? shown.capabilities : null;
          return { name: m.name, sizeBytes: m.size ?? null, family: m.details?.family ?? null, capabilities };
        }),
      );
    },
  };

  async function call<T>(fn: () => Promise<T>, model: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classify(err, model);
    }
  }

  function classify(err: unknown, model: string): OllamaError {
    if (err instanceof OllamaError) return err;
    const status = (err as { status_code?: number }).status_code;
    // A line of the answer stream that is not JSON, or Ollama's own `{"error": …}` line mid-stream
    // (which the client throws as a bare Error): Ollama is there, but its answer is unusable.
    if (err instanceof SyntaxError) {
      return new OllamaError('bad_response', `Ollama sent a reply from model "${model}" that could not be read`, { cause: err });
    }
    if (status === undefined && err instanceof Error && err.constructor === Error && err.cause === undefined) {
      return new OllamaError('bad_response', `Ollama reported an error from model "${model}": ${err.message}`, { cause: err });
    }
    if (status === 404) {
      return new OllamaError('model_missing', `model "${model}" is not available in Ollama at ${host}; pull it with \`ollama pull ${model}\``, { cause: err });
    }
    if (status !== undefined && status < 500) {
      return new OllamaError('bad_response', `Ollama refused the request (${status}): ${(err as Error).message}`, { cause: err });
    }
    const reason = status ? `answered ${status}` : describeNetworkError(err);
    return new OllamaError('unreachable', `Ollama is unreachable at ${host} (${reason})`, { cause: err });
  }
}

/** Runs `fn` unless the signal is already aborted; the ollama client's non-stream calls take no signal. */
async function withSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  return fn();
}

/** Turns fetch's nested causes (ECONNREFUSED, timeouts) into a short phrase for people. */
export function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError' || e?.cause?.code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out';
  // Connecting to a name with several addresses fails with an AggregateError of one error each.
  const code = e?.cause?.code ?? e?.cause?.errors?.find((x) => x.code)?.code;
  return code ?? e?.cause?.message ?? e?.message ?? 'unknown error';
}
