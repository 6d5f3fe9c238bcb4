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

export interface SourceDto {
  n: number;
  documentId: string;
  filename: string;
  page: number | null;
  snippet: string;
}

export interface CitationDto extends SourceDto {
  chunkId: string;
}

export interface SearchedDocumentDto {
  documentId: string;
  filename: string;
}

export interface ChatTimings {
  retrievalMs: number;
  firstTokenMs: number | null;
  totalMs: number;
}

export interface ChatDoneDto {
  conversationId: string;
  messageId: string;
  citations: CitationDto[];
  timings: ChatTimings;
  cached: boolean;
  /** True when no relevant source was found and the model was not asked. */
  noSources: boolean;
  /** Present when the question was limited to documents: the documents searched. */
  searched?: SearchedDocumentDto[];
  /**
   * Present when retrieved sources were not given to the model: the context budget
   * (CONTEXT_BUDGET_CHARS) could not hold them with enough of their text each.
   */
  sourcesLeftOut?: { count: number; reason: 'context_budget' };
}

export interface ChatResponseDto extends ChatDoneDto {
  answer: string;
  sources: SourceDto[];
}

/** Server-sent events of a streamed answer, in order: sources, token*, then done or error. */
export type ChatStreamEvent =
  | { event: 'sources'; data: { conversationId: string; sources: SourceDto[] } }
  | { event: 'token'; data: { text: string } }
  | { event: 'done'; data: ChatDoneDto }
  | { event: 'error'; data: { code: string; message: string } };

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
