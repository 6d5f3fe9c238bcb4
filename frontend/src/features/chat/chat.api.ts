import { useQuery } from '@tanstack/react-query';
import type { ChatLimitsDto, ConversationDto, FeedbackDto, MessageDto } from '@contracts/chat.ts';
import { api } from '../../api/client.ts';

export type ConversationWithMessages = ConversationDto & { messages: MessageDto[] };

export const conversationsKey = ['conversations'] as const;
export const conversationKey = (id: string) => ['conversation', id] as const;

export const chatLimitsKey = ['chat', 'limits'] as const;

/** The limits the server holds questions to (from its config, so they change only with a restart). */
export function useChatLimits() {
  return useQuery({
    queryKey: chatLimitsKey,
    queryFn: ({ signal }) => api.get<ChatLimitsDto>('/chat/limits', undefined, signal),
    staleTime: Infinity,
  });
}

export const fetchConversations = (signal?: AbortSignal) =>
  api.get<{ items: ConversationDto[] }>('/conversations', { limit: 100 }, signal).then((r) => r.items);
export const fetchConversation = (id: string, signal?: AbortSignal) => api.get<ConversationWithMessages>(`/conversations/${encodeURIComponent(id)}`, undefined, signal);
export const renameConversation = (id: string, title: string) => api.patch<ConversationDto>(`/conversations/${encodeURIComponent(id)}`, { title });
export const deleteConversation = (id: string) => api.delete(`/conversations/${encodeURIComponent(id)}`);
export const saveFeedback = (conversationId: string, messageId: string, feedback: { rating: FeedbackDto['rating']; comment: string }) =>
  api.put<FeedbackDto>(`/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/feedback`, feedback);
