import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import { SYSTEM_PROMPT } from './system-prompt.ts';
import { NEEDED_CAPABILITY, sameModel } from '../clients/ollama.ts';
import type { Config } from '../config.ts';
import { settingsSchema, type SettingsDto, type UpdateSettingsRequest } from '../contracts/admin.ts';
import { BadRequestError } from '../http/errors.ts';

type SettingKey = keyof SettingsDto;
const KEYS = Object.keys(settingsSchema.shape) as SettingKey[];
const MODEL_KEYS = ['chatModel', 'embedModel'] as const;

/** The models Ollama has, with what each can do (null: this Ollama does not say). */
export type ListModels = () => Promise<readonly { name: string; capabilities: string[] | null }[]>;

/** What the settings are until an admin changes them: the values from config. */
export function settingsDefaults(config: Pick<Config, 'ollama' | 'ingest' | 'retrieval' | 'chat'>): SettingsDto {
  return {
    chatModel: config.ollama.chatModel,
    embedModel: config.ollama.embedModel,
    chunkSize: config.ingest.chunkSize,
    chunkOverlap: config.ingest.chunkOverlap,
    topK: config.retrieval.topK,
    temperature: config.chat.temperature,
    systemPrompt: SYSTEM_PROMPT,
  };
}

export interface SettingsUpdate {
  settings: SettingsDto;
  /** The keys whose value changed. */
  changed: SettingKey[];
}

/**
 * Settings an admin can change at run time, one JSON value per key in the `settings` table,
 * over the defaults. A stored value that no longer validates falls back to its default.
 */
export function createSettingsStore(db: Db, defaults: SettingsDto) {
  const all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<[string, string, string, string | null]>(
    `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );

  function get(): SettingsDto {
    const settings: Record<string, unknown> = { ...defaults };
    for (const row of all.all()) {
      if (!(KEYS as string[]).includes(row.key)) continue;
      const parsed = settingsSchema.shape[row.key as SettingKey].safeParse(safeJson(row.value));
      if (parsed.success) settings[row.key] = parsed.data;
    }
    return settings as SettingsDto;
  }

  return {
    get,

    /**
     * Stores a partial change, already parsed by its schema: an overlap not smaller than the chunk
     * size is a 400, and a changed chat or embedding model must be one `listModels` reports (called
     * only then), able to do that job (completion for chat, embedding for embeddings).
     */
    async update(input: UpdateSettingsRequest, options: { listModels: ListModels; updatedBy: string | null }): Promise<SettingsUpdate> {
      const current = get();
      const newModels = MODEL_KEYS.filter((k) => input[k] !== undefined && input[k] !== current[k]);
      if (newModels.length > 0) {
        const available = await options.listModels();
        for (const key of newModels) {
          const model = available.find((m) => sameModel(m.name, input[key]!));
          if (!model) {
            throw new BadRequestError(`${key}: the model "${input[key]}" is not available in Ollama`, [{ path: key, message: 'model not available' }], 'model_not_available');
          }
          // An Ollama too old to report capabilities is taken at its word; otherwise the model must do the job.
          const needed = NEEDED_CAPABILITY[key];
          if (model.capabilities && !model.capabilities.includes(needed)) {
            const can = model.capabilities.length > 0 ? model.capabilities.join(', ') : 'nothing';
            const job = key === 'chatModel' ? 'write answers (it has no "completion" capability)' : 'make embeddings (it has no "embedding" capability)';
            const message = `"${input[key]}" cannot ${job}; Ollama reports it can do: ${can}`;
            throw new BadRequestError(`${key}: ${message}`, [{ path: key, message }], 'model_not_capable');
          }
        }
      }
      return db.transaction((): SettingsUpdate => {
        const settings = { ...get(), ...input };
        if (settings.chunkOverlap >= settings.chunkSize) {
          throw new BadRequestError('chunkOverlap: must be smaller than chunkSize', [{ path: 'chunkOverlap', message: 'must be smaller than chunkSize' }], 'validation_failed');
        }
        const changed = KEYS.filter((k) => input[k] !== undefined && input[k] !== current[k]);
        const now = nowIso();
        for (const key of changed) upsert.run(key, JSON.stringify(settings[key]), now, options.updatedBy);
        return { settings, changed };
      })();
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
