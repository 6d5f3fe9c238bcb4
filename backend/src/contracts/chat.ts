import { z } from 'zod';

/** How many documents one question may be limited to. */
export const MAX_DOCUMENT_IDS = 20;

/** The body of POST /api/v1/chat; the question cap comes from config. */
export function chatRequestSchema(questionMaxChars: number) {
  return z.strictObject({
    question: z
      .string({ error: 'question must be a string' })
      .trim()
      .min(1, 'question is empty')
      .max(questionMaxChars, `question is longer than ${questionMaxChars} characters`),
    conversationId: z.uuid().optional(),
    collectionIds: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
    /** Ask only these documents (each must be readable, and in collectionIds when both are given). */
    documentIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_DOCUMENT_IDS).optional(),
    stream: z.boolean().default(true),
  });
}
export type ChatRequest = z.infer<ReturnType<typeof chatRequestSchema>>;

/** GET /api/v1/chat/limits: the limits a question is held to (from config), so a client can keep to them before it asks. */
export interface ChatLimitsDto {
  /** Longest question accepted, in characters (QUESTION_MAX_CHARS). */
  questionMaxChars: number;
}

/** A numbered source given to the model, as the answer cites it (`[n]`). */
export const sourceSchema = z.object({
  n: z.number().int(),
  documentId: z.string(),
  filename: z.string(),
  page: z.number().int().nullable(),
  snippet: z.string(),
});
export type SourceDto = z.infer<typeof sourceSchema>;

export const citationSchema = sourceSchema.extend({ chunkId: z.string() });
export type CitationDto = z.infer<typeof citationSchema>;

export const searchedDocumentSchema = z.object({ documentId: z.string(), filename: z.string() });
export type SearchedDocumentDto = z.infer<typeof searchedDocumentSchema>;

export const chatTimingsSchema = z.object({ retrievalMs: z.number(), firstTokenMs: z.number().nullable(), totalMs: z.number() });
export type ChatTimings = z.infer<typeof chatTimingsSchema>;

export const chatDoneSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  citations: z.array(citationSchema),
  timings: chatTimingsSchema,
  cached: z.boolean(),
  /** True when no relevant source was found and the model was not asked. */
  noSources: z.boolean(),
  /** Present when the question was limited to documents: the documents searched. */
  searched: z.array(searchedDocumentSchema).optional(),
  /**
   * Present when retrieved sources were not given to the model: the context budget
   * (CONTEXT_BUDGET_CHARS) could not hold them with enough of their text each.
   */
  sourcesLeftOut: z.object({ count: z.number().int(), reason: z.literal('context_budget') }).optional(),
});
export type ChatDoneDto = z.infer<typeof chatDoneSchema>;

export interface ChatResponseDto extends ChatDoneDto {
  answer: string;
  sources: SourceDto[];
}

/** The final `error` event of a stream: the error's code and message; `retryAfterSeconds` when it is `rate_limited`. */
export const chatStreamErrorSchema = z.object({ code: z.string(), message: z.string(), retryAfterSeconds: z.number().int().nonnegative().optional() });
export type ChatStreamErrorDto = z.infer<typeof chatStreamErrorSchema>;

/** Server-sent events of a streamed answer, in order: sources, token*, then done or error. */
export const chatStreamEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('sources'), data: z.object({ conversationId: z.string(), sources: z.array(sourceSchema) }) }),
  z.object({ event: z.literal('token'), data: z.object({ text: z.string() }) }),
  z.object({ event: z.literal('done'), data: chatDoneSchema }),
  z.object({ event: z.literal('error'), data: chatStreamErrorSchema }),
]);
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>;
export const CHAT_STREAM_EVENTS = ['sources', 'token', 'done', 'error'] as const satisfies readonly ChatStreamEvent['event'][];

export const FEEDBACK_RATINGS = ['up', 'down'] as const;

/** PUT /conversations/:id/messages/:messageId/feedback: thumbs up or down on an answer, with an optional comment. */
export const feedbackRequestSchema = z.strictObject({
  rating: z.enum(FEEDBACK_RATINGS),
  comment: z.string().trim().max(2000).default(''),
});
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export interface FeedbackDto {
  rating: (typeof FEEDBACK_RATINGS)[number];
  comment: string;
  updatedAt: string;
}

/** GET /admin/feedback: what people said about answers, newest first, with the question and the answer. */
export interface FeedbackEntryDto extends FeedbackDto {
  messageId: string;
  conversationId: string;
  userEmail: string | null;
  question: string | null;
  answer: string;
}

export interface MessageDto {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'complete' | 'aborted' | 'failed';
  citations: CitationDto[];
  createdAt: string;
  /** The asker's feedback on an answer, when the conversation is read with it. */
  feedback?: FeedbackDto | null;
}

/** PATCH /conversations/:id: a new title. */
export const renameConversationRequestSchema = z.strictObject({ title: z.string().trim().min(1).max(200) });
export type RenameConversationRequest = z.infer<typeof renameConversationRequestSchema>;

/** The `:messageId` of /conversations/:id/messages/:messageId/…; an id that is not an answer's is simply not found. */
export const messageIdParamsSchema = z.strictObject({ messageId: z.string().min(1).max(100) });

export interface ConversationDto {
  id: string;
  title: string;
  collectionIds: string[];
  createdAt: string;
  updatedAt: string;
}
