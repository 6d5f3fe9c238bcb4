import type { VectorStore } from '../clients/chroma.ts';
import type { LocalChroma } from '../clients/chroma-local.ts';
import type { Db } from '../clients/db.ts';
import { sameModel, type LlmClient } from '../clients/ollama.ts';
import { redactedUrl, type RedisConnection } from '../clients/redis.ts';
import type { SettingsStore } from '../settings/settings.store.ts';

export type DependencyName = 'sqlite' | 'redis' | 'chroma' | 'ollama';

export interface DependencyStatus {
  ok: boolean;
  latencyMs: number;
  /** What is wrong, in words an operator can act on; absent when ok. */
  error?: string;
  details?: Record<string, unknown>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<DependencyName, DependencyStatus>;
}

const CHECK_TIMEOUT_MS = 3000;

/** Readiness: every dependency reachable and the configured Ollama models present. */
export function createHealthService(deps: {
  db: Db;
  redis: RedisConnection;
  redisUrl: string;
  vectors: VectorStore;
  llm: LlmClient;
  settings: Pick<SettingsStore, 'get'>;
  /** The Chroma this process supervises, if it started one: it knows why Chroma is down. */
  localChroma?: Pick<LocalChroma, 'problem'>;
}) {

  async function timed(check: (signal: AbortSignal) => Promise<Record<string, unknown> | void>): Promise<DependencyStatus> {
    const started = performance.now();
    const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
    try {
      const details = await Promise.race([
        check(signal),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), { once: true })),
      ]);
      return { ok: true, latencyMs: Math.round(performance.now() - started), ...(details ? { details } : {}) };
    } catch (err) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
    }
  }

  return {
    async readiness(): Promise<Readiness> {
      const [sqlite, redis, chroma, ollama] = await Promise.all([
        timed(async () => {
          deps.db.prepare('SELECT 1').get();
        }),
        timed(async () => {
          try {
            await deps.redis.ping();
          } catch (err) {
            throw new Error(`Redis is unreachable at ${redactedUrl(deps.redisUrl)} (connection ${deps.redis.status})`, { cause: err });
          }
        }),
        timed(async () => {
          const problem = deps.localChroma?.problem();
          if (problem) throw new Error(problem);
          await deps.vectors.heartbeat();
        }),
        timed(async (signal) => {
          const status = await deps.llm.status(signal);
          const { chatModel, embedModel } = deps.settings.get();
          const wanted = [chatModel, embedModel];
          const missing = wanted.filter((m) => !status.models.some((have) => sameModel(have.name, m)));
          if (missing.length > 0) throw new Error(`Ollama is reachable but lacks the model(s) ${missing.join(', ')}; run \`ollama pull\` for each`);
          return { version: status.version, chatModel, embedModel };
        }),
      ]);
      const checks = { sqlite, redis, chroma, ollama };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
