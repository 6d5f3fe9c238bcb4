import path from 'node:path';
import { z } from 'zod';

/** The process roles one codebase can play; `api,worker` in one process is the embedded default. */
export const ROLES = ['api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });
const list = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));

// Every variable the product reads, with one line each on what it means.
const envSchema = z.object({
  // Which roles this process runs: api, worker, or both (comma separated).
  ROLES: list.pipe(z.array(z.enum(ROLES)).min(1)).default(['api', 'worker']),
  // HTTP port of the api role.
  PORT: int(0, 65535).default(3000),
  // Address the api binds to.
  HOST: z.string().min(1).default('0.0.0.0'),
  // Where SQLite, uploaded files and the embedded Chroma keep their data.
  DATA_DIR: z.string().min(1).default('data'),
  // Origins (scheme://host:port) whose pages may call the API and open sockets; the api's own origin always may.
  ALLOWED_ORIGINS: list.default([]),
  // Which proxies' X-Forwarded-For to believe: false (no proxy in front), loopback, a number of hops, or addresses/subnets (comma separated).
  TRUST_PROXY: z.string().min(1).default('false'),
  // Grafana's address, linked from the dashboard's status page when set.
  GRAFANA_URL: url.optional(),
  // Socket.io connections one client address may hold open at once.
  SOCKET_MAX_CONNECTIONS_PER_IP: int(1, 10_000).default(20),
  // Seconds a client has to send a whole request (headers and body, e.g. an upload) before it gets 408 and is disconnected.
  HTTP_REQUEST_TIMEOUT_S: int(1, 86_400).default(120),
  // Seconds a client has to send the request headers (at most HTTP_REQUEST_TIMEOUT_S).
  HTTP_HEADERS_TIMEOUT_S: int(1, 3600).default(20),
  // The built dashboard the api serves (skipped when the folder does not exist; nginx serves it in production).
  WEB_DIR: z.string().min(1).default('frontend/dist'),
  // pino level: fatal, error, warn, info, debug, trace or silent.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Ollama on the host, e.g. http://host.docker.internal:11434.
  OLLAMA_HOST: url.default('http://127.0.0.1:11434'),
  // Model that writes answers (must be pulled in Ollama).
  OLLAMA_CHAT_MODEL: z.string().min(1).default('llama3.2:3b'),
  // Model that embeds chunks and questions (must be pulled in Ollama).
  OLLAMA_EMBED_MODEL: z.string().min(1).default('nomic-embed-text'),
  // Give up on one Ollama request after this many milliseconds.
  OLLAMA_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
  // Texts sent to /api/embed in one request.
  EMBED_BATCH_SIZE: int(1, 1024).default(32),
  // Chroma server; when unset, a local Chroma is started from the npm package under DATA_DIR/chroma.
  CHROMA_URL: url.optional(),
  // Start of every Chroma collection name this deployment owns, so several can share one Chroma.
  CHROMA_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes').default('chunks'),
  // Port for the local Chroma started when CHROMA_URL is unset.
  CHROMA_LOCAL_PORT: int(1, 65535).default(8000),
  // Restarts of the local Chroma (after it exits unasked) allowed within 10 minutes; past that it stays down and /ready says why.
  CHROMA_LOCAL_MAX_RESTARTS: int(0, 1000).default(5),
  // Redis for queues, cache, rate limits and the socket.io adapter.
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  // Prefix for every Redis key and queue, so several deployments can share one Redis.
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('rag'),
  // Largest accepted upload, in megabytes.
  UPLOAD_MAX_FILE_MB: int(1, 10_240).default(100),
  // Files accepted in one upload request.
  UPLOAD_MAX_FILES: int(1, 1000).default(20),
  // Non-file form fields accepted in one upload request.
  UPLOAD_MAX_FIELDS: int(0, 100).default(10),
  // Parsing one file is stopped after this many seconds.
  PARSE_TIMEOUT_S: int(1, 3600).default(300),
  // Memory cap of the parser process (all its resident memory, inflated data included), in megabytes.
  PARSE_MAX_MEMORY_MB: int(128, 16_384).default(1024),
  // Documents ingested at the same time by one worker process.
  INGEST_CONCURRENCY: int(1, 64).default(2),
  // Attempts for an ingest job whose failure is transient (Ollama or Chroma down).
  INGEST_ATTEMPTS: int(1, 100_000).default(1000),
  // Longest wait between retries of an ingest job whose dependency is away, in milliseconds.
  INGEST_RETRY_MAX_DELAY_MS: int(100, 3_600_000).default(30_000),
  // How long a job's lock lasts, and how often stalled jobs (their worker died) are taken back, in ms.
  INGEST_STALL_CHECK_MS: int(500, 600_000).default(30_000),
  // How often the worker re-queues documents whose ingest job was lost (a Redis outage), in ms.
  INGEST_SWEEP_MS: int(1000, 3_600_000).default(60_000),
  // Target chunk length in characters.
  CHUNK_SIZE: int(100, 20_000).default(1200),
  // Characters repeated between neighbouring chunks.
  CHUNK_OVERLAP: int(0, 10_000).default(200),
  // Chunks given to the model per question.
  RETRIEVAL_TOP_K: int(1, 100).default(6),
  // How vector and keyword results are fused: rrf (reciprocal rank) or weighted.
  RETRIEVAL_FUSION: z.enum(['rrf', 'weighted']).default('rrf'),
  // Vector hits farther than this cosine distance (0..2) do not count as relevant.
  RETRIEVAL_MAX_DISTANCE: z.coerce.number().min(0).max(2).default(0.9),
  // Weight of the vector results in fusion (keyword results get 1 minus it).
  RETRIEVAL_VECTOR_WEIGHT: z.coerce.number().min(0).max(1).default(0.2),
  // The k of reciprocal rank fusion: smaller makes each retriever's first ranks count for more.
  RETRIEVAL_RRF_K: int(1, 1000).default(5),
  // Question words found in more than this share of all chunks are left out of keyword search.
  RETRIEVAL_KEYWORD_MAX_DF: z.coerce.number().gt(0).max(1).default(0.2),
  // Worker threads that run keyword search off the event loop (0 runs it on the event loop).
  RETRIEVAL_KEYWORD_THREADS: int(0, 16).default(2),
  // Characters of prompt (system, sources, history, question) sent to the model at most.
  CONTEXT_BUDGET_CHARS: int(1000, 1_000_000).default(12_000),
  // Longest question accepted, in characters.
  QUESTION_MAX_CHARS: int(10, 100_000).default(4000),
  // Earlier turns of a conversation carried into a follow-up question.
  CHAT_HISTORY_TURNS: int(0, 50).default(6),
  // Seconds an answer stays in the answer cache (0 turns it off).
  ANSWER_CACHE_TTL_S: int(0, 604_800).default(3600),
  // Seconds an embedding stays in the embedding cache.
  EMBED_CACHE_TTL_S: int(60, 31_536_000).default(2_592_000),
  // Sampling temperature for answers.
  CHAT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  // Seconds a worker waits for running jobs on SIGTERM before it stops anyway.
  SHUTDOWN_GRACE_S: int(1, 600).default(30),
  // HS256 signing secret for access tokens, at least 32 bytes; when unset, one is generated once under DATA_DIR/secrets.
  AUTH_JWT_SECRET: z.string().refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes').optional(),
  // `iss` claim of access tokens; a token from another issuer is refused.
  AUTH_JWT_ISSUER: z.string().min(1).max(200).default('onprem-rag'),
  // `aud` claim of access tokens; a token for another audience is refused.
  AUTH_JWT_AUDIENCE: z.string().min(1).max(200).default('onprem-rag-api'),
  // Lifetime of an access token, in seconds.
  AUTH_ACCESS_TOKEN_TTL_S: int(60, 86_400).default(900),
  // Lifetime of a refresh token (renewed on every refresh), in seconds.
  AUTH_REFRESH_TOKEN_TTL_S: int(300, 31_536_000).default(604_800),
  // Email of the first admin, created on start only while there are no users (set with BOOTSTRAP_ADMIN_PASSWORD).
  BOOTSTRAP_ADMIN_EMAIL: z.string().trim().toLowerCase().email().max(254).optional(),
  // Password of the first admin (at least 12 characters); remove it once the admin exists.
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must have at least 12 characters').max(256).optional(),
  // Display name of the first admin.
  BOOTSTRAP_ADMIN_NAME: z.string().trim().min(1).max(100).default('Administrator'),
  // Failed sign-ins on one account from one address before the account is locked for that address.
  RATE_SIGNIN_MAX_FAILURES: int(1, 1000).default(5),
  // Failed sign-ins on one account from all addresses together before it is locked for everyone.
  RATE_SIGNIN_ACCOUNT_MAX_FAILURES: int(1, 1_000_000).default(100),
  // Failed sign-ins from one IP address before it is locked.
  RATE_SIGNIN_IP_MAX_FAILURES: int(1, 100_000).default(20),
  // Seconds over which failed sign-ins are counted.
  RATE_SIGNIN_WINDOW_S: int(1, 86_400).default(900),
  // Seconds of the first sign-in lockout; each further lockout doubles it.
  RATE_SIGNIN_LOCKOUT_S: int(1, 86_400).default(60),
  // Longest sign-in lockout, in seconds.
  RATE_SIGNIN_LOCKOUT_MAX_S: int(1, 604_800).default(3600),
  // Seconds an earlier lockout keeps counting towards the length of the next one.
  RATE_SIGNIN_LOCKOUT_MEMORY_S: int(60, 2_592_000).default(86_400),
  // Questions per minute for one user or API key (0 turns the limit off).
  RATE_CHAT_PER_MINUTE: int(0, 100_000).default(10),
  // Questions per day for one user or API key (0 turns the limit off).
  RATE_CHAT_PER_DAY: int(0, 10_000_000).default(1000),
  // Files one user may upload per hour (0 turns the limit off).
  RATE_UPLOAD_FILES_PER_HOUR: int(0, 1_000_000).default(200),
  // Megabytes one user may upload per day (0 turns the limit off).
  RATE_UPLOAD_MB_PER_DAY: int(0, 10_485_760).default(2048),
});

/** Names of every variable the product reads (the README documents each). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

/** Parses and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.CHUNK_OVERLAP >= e.CHUNK_SIZE) {
    throw new ConfigError('invalid configuration:\n  CHUNK_OVERLAP: must be smaller than CHUNK_SIZE');
  }
  if (e.HTTP_HEADERS_TIMEOUT_S > e.HTTP_REQUEST_TIMEOUT_S) {
    throw new ConfigError('invalid configuration:\n  HTTP_HEADERS_TIMEOUT_S: must not be larger than HTTP_REQUEST_TIMEOUT_S');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    roles: new Set<Role>(e.ROLES),
    http: {
      port: e.PORT,
      host: e.HOST,
      allowedOrigins: e.ALLOWED_ORIGINS.map((o) => o.replace(/\/+$/, '')),
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      socketMaxConnectionsPerIp: e.SOCKET_MAX_CONNECTIONS_PER_IP,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_S * 1000,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_S * 1000,
    },
    grafanaUrl: e.GRAFANA_URL ?? null,
    log: { level: e.LOG_LEVEL },
    paths: {
      dataDir,
      database: path.join(dataDir, 'app.db'),
      documents: path.join(dataDir, 'documents'),
      uploads: path.join(dataDir, 'tmp'),
      chroma: path.join(dataDir, 'chroma'),
      web: path.resolve(e.WEB_DIR),
    },
    ollama: {
      host: e.OLLAMA_HOST,
      chatModel: e.OLLAMA_CHAT_MODEL,
      embedModel: e.OLLAMA_EMBED_MODEL,
      timeoutMs: e.OLLAMA_TIMEOUT_MS,
      embedBatchSize: e.EMBED_BATCH_SIZE,
    },
    chroma: { url: e.CHROMA_URL, prefix: e.CHROMA_PREFIX, localPort: e.CHROMA_LOCAL_PORT, localMaxRestarts: e.CHROMA_LOCAL_MAX_RESTARTS },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    upload: {
      maxFileBytes: e.UPLOAD_MAX_FILE_MB * 1024 * 1024,
      maxFiles: e.UPLOAD_MAX_FILES,
      maxFields: e.UPLOAD_MAX_FIELDS,
    },
    ingest: {
      parseTimeoutMs: e.PARSE_TIMEOUT_S * 1000,
      parseMaxMemoryMb: e.PARSE_MAX_MEMORY_MB,
      concurrency: e.INGEST_CONCURRENCY,
      attempts: e.INGEST_ATTEMPTS,
      retryMaxDelayMs: e.INGEST_RETRY_MAX_DELAY_MS,
      stallCheckMs: e.INGEST_STALL_CHECK_MS,
      sweepMs: e.INGEST_SWEEP_MS,
      chunkSize: e.CHUNK_SIZE,
      chunkOverlap: e.CHUNK_OVERLAP,
      shutdownGraceMs: e.SHUTDOWN_GRACE_S * 1000,
    },
    retrieval: {
      topK: e.RETRIEVAL_TOP_K,
      fusion: e.RETRIEVAL_FUSION,
      vectorWeight: e.RETRIEVAL_VECTOR_WEIGHT,
      maxDistance: e.RETRIEVAL_MAX_DISTANCE,
      rrfK: e.RETRIEVAL_RRF_K,
      keywordMaxDocShare: e.RETRIEVAL_KEYWORD_MAX_DF,
      keywordThreads: e.RETRIEVAL_KEYWORD_THREADS,
    },
    chat: {
      contextBudgetChars: e.CONTEXT_BUDGET_CHARS,
      questionMaxChars: e.QUESTION_MAX_CHARS,
      historyTurns: e.CHAT_HISTORY_TURNS,
      answerCacheTtlS: e.ANSWER_CACHE_TTL_S,
      temperature: e.CHAT_TEMPERATURE,
    },
    cache: { embedTtlS: e.EMBED_CACHE_TTL_S },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      accessTokenTtlS: e.AUTH_ACCESS_TOKEN_TTL_S,
      refreshTokenTtlS: e.AUTH_REFRESH_TOKEN_TTL_S,
      bootstrapAdmin: { email: e.BOOTSTRAP_ADMIN_EMAIL, password: e.BOOTSTRAP_ADMIN_PASSWORD, name: e.BOOTSTRAP_ADMIN_NAME },
    },
    rateLimit: {
      signIn: {
        maxFailures: e.RATE_SIGNIN_MAX_FAILURES,
        ipMaxFailures: e.RATE_SIGNIN_IP_MAX_FAILURES,
        accountMaxFailures: e.RATE_SIGNIN_ACCOUNT_MAX_FAILURES,
        windowS: e.RATE_SIGNIN_WINDOW_S,
        lockoutS: e.RATE_SIGNIN_LOCKOUT_S,
        lockoutMaxS: e.RATE_SIGNIN_LOCKOUT_MAX_S,
        lockoutMemoryS: e.RATE_SIGNIN_LOCKOUT_MEMORY_S,
      },
      chat: { perMinute: e.RATE_CHAT_PER_MINUTE, perDay: e.RATE_CHAT_PER_DAY },
      upload: { filesPerHour: e.RATE_UPLOAD_FILES_PER_HOUR, bytesPerDay: e.RATE_UPLOAD_MB_PER_DAY * 1024 * 1024 },
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** Express's `trust proxy`: false, true, a hop count, or addresses and subnets. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
