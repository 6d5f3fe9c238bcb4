// A real HTTP server speaking Ollama's API with deterministic models and switchable faults, so
// tests drive the product's own Ollama client exactly as against a real Ollama.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerChat, embedText, estimateTokens, streamPieces } from './ollama-emulator.answers.ts';
import type { PromptMessage } from './ollama-emulator.answers.ts';
import { HttpFailure, listen, nanos, parseMessages, readJson, sendJson, streamNdjson } from './ollama-emulator.http.ts';
import { contextLength, createModel, normalizeModelName, showBody, tagsEntry } from './ollama-emulator.models.ts';
import type { EmulatedModel } from './ollama-emulator.models.ts';

export interface OllamaEmulatorOptions {
  port?: number;
  host?: string;
  embeddingDim?: number;
  chatModel?: string;
  embeddingModel?: string;
  /** More installed models, listed besides the chat and embedding models. */
  models?: string[];
}

export interface EmulatorFaults {
  /** Delay before answering any request. */
  latencyMs: number;
  /** Delay between streamed chunks. */
  tokenDelayMs: number;
  /** Answer everything with 503 {error:"server busy"}. */
  busy: boolean;
  /** Destroy the socket of a streamed answer after this many chunks. */
  dropStreamAfter: number | null;
  /** Models that vanish from /api/tags and give 404 everywhere. */
  missingModels: string[];
  /** Stream answers in pieces of this many characters instead of one word each. */
  streamPieceChars: number | null;
  /** Answer /api/embed with all-zero vectors, as a broken embedding model would. */
  zeroEmbeddings: boolean;
  /** After this many streamed chunks, send Ollama's `{"error": …}` line or a line that is not JSON, and end. */
  streamBreak: { after: number; with: 'error' | 'garbage' } | null;
  /** Answer from (and cite) the prompt's source with this number, not the best-matching one. */
  citeSource: number | null;
}

export interface ChatRequestRecord {
  model: string;
  messages: PromptMessage[];
  stream: boolean;
  options?: unknown;
  keep_alive?: unknown;
}

export interface EmulatorStats {
  /** Requests received per path (e.g. `/api/embed`), counted before any fault applies. */
  requests: Record<string, number>;
  /** Texts embedded by successful /api/embed calls. */
  embedInputs: number;
  /** Body of the last /api/chat request that was answered (not failed by a fault). */
  lastChatRequest: ChatRequestRecord | null;
  /** Streamed /api/chat and /api/generate answers; `aborted` means the client went away first. */
  streams: { inFlight: number; completed: number; aborted: number; dropped: number };
}

export interface OllamaEmulator {
  readonly url: string;
  readonly port: number;
  readonly faults: EmulatorFaults;
  readonly stats: EmulatorStats;
  /** The next `n` requests (to `endpoint`, e.g. 'embed' or '/api/chat', or any) answer `status`. */
  failNext(n: number, status?: number, endpoint?: string): void;
  /** Stops listening and destroys open sockets: clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Clears faults, pending failures and stats (streams still in flight stay counted). */
  reset(): void;
  /** Resolves once no streamed answer is in flight. */
  whenIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** The emulator's embedding function, to compute expected vectors. */
  embedText(text: string): number[];
}

const VERSION = '0.12.6';

function defaultFaults(): EmulatorFaults {
  return { latencyMs: 0, tokenDelayMs: 0, busy: false, dropStreamAfter: null, missingModels: [], streamPieceChars: null, zeroEmbeddings: false, streamBreak: null, citeSource: null };
}

function endpointPath(endpoint: string): string {
  if (endpoint.startsWith('/')) return endpoint;
  return endpoint.startsWith('api/') ? `/${endpoint}` : `/api/${endpoint}`;
}

/** Starts an emulated Ollama on `host:port` (default 127.0.0.1, a free port). */
export async function startOllamaEmulator(options: OllamaEmulatorOptions = {}): Promise<OllamaEmulator> {
  const host = options.host ?? '127.0.0.1';
  const dim = options.embeddingDim ?? 384;
  const embeddingModel = options.embeddingModel ?? 'nomic-embed-text:latest';
  const names = [options.chatModel ?? 'llama3.2:3b', embeddingModel, ...(options.models ?? [])];
  const catalog = new Map<string, EmulatedModel>(names.map((n) => [normalizeModelName(n), createModel(n, embeddingModel)]));
  const faults = defaultFaults();
  const stats: EmulatorStats = { requests: {}, embedInputs: 0, lastChatRequest: null, streams: { inFlight: 0, completed: 0, aborted: 0, dropped: 0 } };
  const failures: { remaining: number; status: number; path: string | null }[] = [];
  const idleWaiters = new Set<() => void>();

  function findModel(name: unknown): EmulatedModel {
    if (typeof name !== 'string' || name === '') throw new HttpFailure(400, 'model is required');
    const model = catalog.get(normalizeModelName(name));
    const missing = faults.missingModels.some((m) => normalizeModelName(m) === model?.name);
    if (!model || missing) throw new HttpFailure(404, `model "${name}" not found, try pulling it first`);
    return model;
  }

  function takeFailure(path: string): number | null {
    const index = failures.findIndex((f) => f.path === null || f.path === path);
    const failure = failures[index];
    if (!failure) return null;
    if (--failure.remaining <= 0) failures.splice(index, 1);
    return failure.status;
  }

  async function streamAnswer(res: ServerResponse, signal: AbortSignal, lines: object[], final: object): Promise<void> {
    stats.streams.inFlight++;
    let dropped = false;
    res.on('close', () => {
      stats.streams.inFlight--;
      if (dropped) stats.streams.dropped++;
      else if (res.writableFinished) stats.streams.completed++;
      else stats.streams.aborted++;
      if (stats.streams.inFlight === 0) for (const wake of idleWaiters) wake();
    });
    await streamNdjson(res, signal, lines, final, faults, () => (dropped = true));
  }

  async function answer(
    res: ServerResponse,
    signal: AbortSignal,
    body: Record<string, unknown>,
    field: 'message' | 'response',
    text: string,
    promptText: string,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const head = { model: body.model, created_at: new Date().toISOString() };
    const piece = (content: string) => (field === 'message' ? { message: { role: 'assistant', content } } : { response: content });
    const pieces = streamPieces(text, faults.streamPieceChars);
    const metrics = () => ({
      done: true,
      done_reason: 'stop',
      ...(field === 'response' ? { context: [] } : {}),
      total_duration: nanos(started),
      load_duration: 0,
      prompt_eval_count: estimateTokens(promptText),
      prompt_eval_duration: 0,
      eval_count: pieces.length,
      eval_duration: nanos(started),
    });
    if (body.stream === false) return sendJson(res, 200, { ...head, ...piece(text), ...metrics() });
    const lines = pieces.map((p) => ({ ...head, ...piece(p), done: false }));
    await streamAnswer(res, signal, lines, { ...head, ...piece(''), ...metrics() });
  }

  function refuseEmbeddingModel(model: EmulatedModel, action: string): void {
    if (model.kind === 'embedding') throw new HttpFailure(400, `"${model.name}" does not support ${action}`);
  }

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => Promise<void> | void> = {
    'GET /': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
    },
    'GET /api/version': (_req, res) => sendJson(res, 200, { version: VERSION }),
    'GET /api/tags': (_req, res) => {
      const missing = new Set(faults.missingModels.map(normalizeModelName));
      sendJson(res, 200, { models: [...catalog.values()].filter((m) => !missing.has(m.name)).map(tagsEntry) });
    },
    'POST /api/show': async (req, res) => {
      const body = await readJson(req);
      const name = body.model ?? body.name;
      try {
        sendJson(res, 200, showBody(findModel(name), dim));
      } catch (err) {
        // /api/show words its 404 differently from the model-running endpoints.
        if (err instanceof HttpFailure && err.status === 404) throw new HttpFailure(404, `model '${String(name)}' not found`);
        throw err;
      }
    },
    'POST /api/embed': async (req, res) => {
      const started = process.hrtime.bigint();
      const body = await readJson(req);
      const model = findModel(body.model);
      const raw = body.input ?? [];
      const inputs = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(inputs) || inputs.some((t) => typeof t !== 'string')) throw new HttpFailure(400, 'invalid input type');
      const texts = inputs as string[];
      if (body.truncate === false && texts.some((t) => estimateTokens(t) > contextLength(model))) {
        throw new HttpFailure(400, 'the input length exceeds the context length');
      }
      const embeddings = texts.map((t) => (faults.zeroEmbeddings ? new Array<number>(dim).fill(0) : embedText(t, dim)));
      stats.embedInputs += texts.length;
      const promptEvalCount = texts.reduce((sum, t) => sum + estimateTokens(t), 0);
      sendJson(res, 200, { model: body.model, embeddings, total_duration: nanos(started), load_duration: 0, prompt_eval_count: promptEvalCount });
    },
    'POST /api/chat': async (req, res, signal) => {
      const body = await readJson(req);
      const model = findModel(body.model);
      refuseEmbeddingModel(model, 'chat');
      const messages = parseMessages(body.messages);
      stats.lastChatRequest = { model: String(body.model), messages, stream: body.stream !== false, options: body.options, keep_alive: body.keep_alive };
      if (messages.length === 0) {
        // Like Ollama: an empty conversation only loads the model.
        return sendJson(res, 200, { model: body.model, created_at: new Date().toISOString(), message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' });
      }
      await answer(res, signal, body, 'message', answerChat(messages, faults.citeSource), messages.map((m) => m.content).join('\n'));
    },
    'POST /api/generate': async (req, res, signal) => {
      const body = await readJson(req);
      const model = findModel(body.model);
      refuseEmbeddingModel(model, 'generate');
      const prompt = typeof body.prompt === 'string' ? body.prompt : '';
      const system = typeof body.system === 'string' ? body.system : '';
      if (prompt === '' && system === '') {
        return sendJson(res, 200, { model: body.model, created_at: new Date().toISOString(), response: '', done: true, done_reason: 'load' });
      }
      const messages = [{ role: 'system', content: system }, { role: 'user', content: prompt }];
      await answer(res, signal, body, 'response', answerChat(messages, faults.citeSource), `${system}\n${prompt}`);
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    stats.requests[path] = (stats.requests[path] ?? 0) + 1;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    try {
      if (faults.latencyMs > 0) await sleep(faults.latencyMs, undefined, { signal: gone.signal });
      if (faults.busy) throw new HttpFailure(503, 'server busy');
      const failStatus = takeFailure(path);
      if (failStatus !== null) throw new HttpFailure(failStatus, `emulated failure (status ${failStatus})`);
      const route = routes[`${method} ${path}`];
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return void res.end('404 page not found');
      }
      await route(req, res, gone.signal);
    } catch (err) {
      if (gone.signal.aborted || res.destroyed) return;
      if (res.headersSent) return void res.destroy();
      const status = err instanceof HttpFailure ? err.status : 500;
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  const listener = await listen((req, res) => void handle(req, res), host, options.port ?? 0);
  const port = listener.port;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    stats,
    failNext(n, status = 500, endpoint) {
      if (n > 0) failures.push({ remaining: n, status, path: endpoint === undefined ? null : endpointPath(endpoint) });
    },
    down: listener.down,
    up: listener.up,
    reset() {
      Object.assign(faults, defaultFaults());
      failures.length = 0;
      for (const key of Object.keys(stats.requests)) delete stats.requests[key];
      Object.assign(stats, { embedInputs: 0, lastChatRequest: null });
      Object.assign(stats.streams, { completed: 0, aborted: 0, dropped: 0 });
    },
    async whenIdle(timeoutMs = 5000) {
      if (stats.streams.inFlight === 0) return;
      let wake = () => {};
      const idle = new Promise<void>((resolve) => (wake = resolve));
      idleWaiters.add(wake);
      try {
        await Promise.race([idle, sleep(timeoutMs, undefined, { ref: false }).then(() => Promise.reject(new Error(`streams still in flight after ${timeoutMs} ms`)))]);
      } finally {
        idleWaiters.delete(wake);
      }
    },
    close: listener.down,
    embedText: (text) => embedText(text, dim),
  };
}

if (import.meta.main) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const emulator = await startOllamaEmulator({
    port: Number(arg('--port') ?? 11434),
    host: arg('--host'),
    embeddingDim: arg('--dim') ? Number(arg('--dim')) : undefined,
  });
  process.stderr.write(`Ollama emulator listening on ${emulator.url}\n`);
  process.once('SIGINT', () => void emulator.close());
  process.once('SIGTERM', () => void emulator.close());
}
