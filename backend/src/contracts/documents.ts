import { z } from 'zod';
import { DOCUMENT_KINDS } from '../ingest/parse/parse.types.ts';

/** Shared with the dashboard: what the API says about documents. */
export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** The stages of a running ingestion, in order. */
export const PROCESSING_STAGES = ['parsing', 'chunking', 'embedding', 'indexing'] as const;
/** A document's stage: `waiting` while it is queued for a retry or for Redis, then the processing stages. */
export const INGEST_STAGES = ['waiting', ...PROCESSING_STAGES] as const;
export type IngestStage = (typeof INGEST_STAGES)[number];

const percentSchema = z.number().int().min(0).max(100);

/**
 * Progress of one document's ingestion: what the ingest job reports with job.updateProgress, and
 * what the dashboard receives as `document.progress`. It names the document and its collection,
 * so the api relays it to the collection's room without reading the database.
 */
export const ingestProgressSchema = z.object({
  documentId: z.string().min(1),
  collectionId: z.string().min(1),
  stage: z.enum(PROCESSING_STAGES),
  /** What done and total count: pages while parsing, chunks from then on. */
  unit: z.enum(['page', 'chunk']),
  /** Items done and total within the stage; total is 0 while it is not known yet. */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Overall percent of the whole ingestion. */
  percent: percentSchema,
});
export type IngestProgress = z.infer<typeof ingestProgressSchema>;

export const documentSchema = z.object({
  id: z.string(),
  collectionId: z.string(),
  filename: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  status: z.enum(DOCUMENT_STATUSES),
  stage: z.enum(INGEST_STAGES).nullable(),
  /** The overall percent, as the last progress report gave it. */
  progress: percentSchema,
  pageCount: z.number().int().nullable(),
  chunkCount: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).nullable(),
  uploadedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  readyAt: z.string().nullable(),
});
export type DocumentDto = z.infer<typeof documentSchema>;

export const listDocumentsQuerySchema = z.strictObject({
  collectionId: z.string().min(1).max(100).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListDocumentsQuery = z.infer<typeof listDocumentsQuerySchema>;

/** The form fields of a multipart upload, next to its files. */
export const uploadFieldsSchema = z.strictObject({
  collectionId: z.string().min(1).max(100).default('default'),
});
export type UploadFields = z.infer<typeof uploadFieldsSchema>;

// Any id that is not a document's is simply not found (404), whatever its shape.
export const documentIdParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });

/** The query of a signed link to a document's original file. */
export const fileLinkQuerySchema = z.strictObject({
  expires: z.coerce.number().int().min(0),
  signature: z.string().min(1).max(100),
});

/** A link a browser tab can open without a token: the original file, named, for a few minutes. */
export interface FileLinkDto {
  url: string;
  expiresAt: string;
}

/** `/documents/:id/chunks?limit&offset`. */
export const listChunksQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** One chunk of a document: its text as the model sees it, and the page it starts on. */
export interface DocumentChunkDto {
  index: number;
  page: number | null;
  heading: string | null;
  text: string;
}

export interface DocumentChunksDto {
  items: DocumentChunkDto[];
  total: number;
  limit: number;
  offset: number;
}

export interface DocumentListDto {
  items: DocumentDto[];
  total: number;
  limit: number;
  offset: number;
}

export interface UploadResultDto {
  documents: (DocumentDto & { duplicate: boolean })[];
}
