import type { CitationDto, ConversationDto, FeedbackDto, MessageDto } from '../contracts/chat.ts';
import type { ConversationRow, MessageRow } from './conversations.repository.ts';

/** The public shape of a conversation: never its owner. */
export function presentConversation(row: ConversationRow): ConversationDto {
  return {
    id: row.id,
    title: row.title,
    collectionIds: JSON.parse(row.collection_ids) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The public shape of a message, without the model and timings stored with it. */
export function presentMessage(row: MessageRow): MessageDto {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    citations: JSON.parse(row.citations) as CitationDto[],
    createdAt: row.created_at,
  };
}

/** A conversation as its owner reads it: every message in order, each answer with the owner's feedback on it (or null). */
export function presentConversationWithMessages(conversation: ConversationDto, messages: MessageRow[], feedback: Map<string, FeedbackDto>): ConversationDto & { messages: MessageDto[] } {
  return {
    ...conversation,
    messages: messages.map(presentMessage).map((m) => (m.role === 'assistant' ? { ...m, feedback: feedback.get(m.id) ?? null } : m)),
  };
}
