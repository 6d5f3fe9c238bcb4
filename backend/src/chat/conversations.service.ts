import type { ConversationDto, FeedbackDto, FeedbackRequest } from '../contracts/chat.ts';
import { NotFoundError } from '../http/errors.ts';
import { presentConversation, presentConversationWithMessages } from './conversations.presenter.ts';
import type { ConversationsRepository } from './conversations.repository.ts';
import type { FeedbackRepository } from './feedback.repository.ts';

/**
 * A person's own conversations: list, read, rename, delete, and rate the answers in them. Every
 * method but `list` takes a conversation `requireOwned` returned, so ownership is checked first.
 */
export function createConversationsService(deps: { conversations: ConversationsRepository; feedback: Pick<FeedbackRepository, 'forConversation' | 'save'> }) {
  const { conversations, feedback } = deps;

  return {
    /** The caller's conversations, the one last written to first. */
    list(userId: string, page: { limit: number; offset: number }) {
      return { items: conversations.list(userId, page.limit, page.offset).map(presentConversation), limit: page.limit, offset: page.offset };
    },

    /** The conversation if it is this user's; someone else's is as absent as a missing one (404). */
    requireOwned(id: string, userId: string): ConversationDto {
      const row = conversations.getOwned(id, userId);
      if (!row) throw new NotFoundError('conversation not found');
      return presentConversation(row);
    },

    /** The conversation with its messages, each answer with its feedback. */
    read(conversation: ConversationDto) {
      return presentConversationWithMessages(conversation, conversations.messages(conversation.id), feedback.forConversation(conversation.id));
    },

    /** The id of an answer (not a question) in the conversation; 404 otherwise. */
    requireAnswer(conversation: ConversationDto, messageId: string): string {
      const message = conversations.messages(conversation.id).find((m) => m.id === messageId && m.role === 'assistant');
      if (!message) throw new NotFoundError('answer not found');
      return message.id;
    },

    /** Stores the asker's rating of an answer, replacing any earlier one. */
    rateAnswer(answerId: string, userId: string, rating: FeedbackRequest): FeedbackDto {
      return feedback.save(answerId, userId, rating);
    },

    rename(conversation: ConversationDto, title: string) {
      conversations.rename(conversation.id, title);
      return { ...conversation, title };
    },

    remove(conversation: ConversationDto): void {
      conversations.delete(conversation.id);
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
