import { z } from 'zod';

/** Shared with the dashboard: collections with members, settings, audit log, system status. */
export const collectionVisibility = ['everyone', 'members'] as const;

export const createCollectionRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).default(''),
  visibility: z.enum(collectionVisibility).default('everyone'),
});
export const updateCollectionRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(1000).optional(),
  visibility: z.enum(collectionVisibility).optional(),
});
export const collectionMembersRequestSchema = z.strictObject({ userIds: z.array(z.string().min(1).max(100)).max(1000) });

export interface CollectionDto {
  id: string;
  name: string;
  description: string;
  visibility: (typeof collectionVisibility)[number];
  documentCount: number;
  createdAt: string;
  /** Only for admins: who may read a members-only collection. */
  memberIds?: string[];
}

export const settingsSchema = z.strictObject({
  chatModel: z.string().min(1).max(200),
  embedModel: z.string().min(1).max(200),
  chunkSize: z.number().int().min(100).max(20_000),
  chunkOverlap: z.number().int().min(0).max(10_000),
  topK: z.number().int().min(1).max(100),
  temperature: z.number().min(0).max(2),
  systemPrompt: z.string().max(8000),
});
export type SettingsDto = z.infer<typeof settingsSchema>;
export const updateSettingsRequestSchema = settingsSchema.partial().strict();
export type UpdateSettingsRequest = z.infer<typeof updateSettingsRequestSchema>;

export interface AuditEntryDto {
  id: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  /** What the target id names now (a user's e-mail, a collection's or key's name, a document's file name), if it still exists. */
  targetName: string | null;
}

/** `?limit&offset` of every paged admin list. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** `/admin/audit`: a page of the log, narrowed by action, by who did it, and by time (`from` inclusive, `to` exclusive). */
export const auditQuerySchema = pageQuerySchema.extend({
  action: z.string().min(1).max(100).optional(),
  actorId: z.string().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
export const listApiKeysQuerySchema = pageQuerySchema.extend({ ownerId: z.string().min(1).max(100).optional() });
// Any id that is not one of ours is simply not found (404), whatever its shape.
export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/v1/admin/status */
export interface SystemStatusDto {
  ready: boolean;
  checks: Record<'sqlite' | 'redis' | 'chroma' | 'ollama' | 'storage', { ok: boolean; latencyMs: number; error?: string; details?: Record<string, unknown> }>;
  queue: { waiting: number; active: number; delayed: number; failed: number };
  grafanaUrl: string | null;
}

/** GET /api/v1/admin/models: what Ollama has, to pick the chat and embedding models from. */
export interface ModelsDto {
  /** `capabilities` as Ollama reports them ("completion", "embedding"…), null when it does not say. */
  models: { name: string; sizeBytes: number | null; family: string | null; capabilities: string[] | null }[];
}

/** `POST /admin/reindex` answers 202 with how many documents it queued again. */
export interface ReindexResultDto {
  queued: number;
}

/**
 * Progress of a re-index job: how many of its documents it has handed to ingestion. The job
 * reports it with job.updateProgress; the requester's sockets receive `{ done, total }` as
 * `reindex.progress`, and each document's own progress follows as `document.progress`.
 */
export const reindexProgressSchema = z.object({
  /** Who asked for the re-index (their sockets hear about it); null when nobody did (a script). */
  requestedBy: z.string().min(1).nullable(),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type ReindexProgress = z.infer<typeof reindexProgressSchema>;
