import { useState } from 'react';
import type { ConversationDto, MessageDto } from '@contracts/chat.ts';
import { api } from '../../api/client.ts';

export type ConversationWithMessages = ConversationDto & { messages: MessageDto[] };

export const conversationsKey = ['conversations'] as const;
export const conversationKey = (id: string) => ['conversation', id] as const;

export const fetchConversations = (signal?: AbortSignal) =>
  api.get<{ items: ConversationDto[] }>('/conversations', { limit: 100 }, signal).then((r) => r.items);
export const fetchConversation = (id: string, signal?: AbortSignal) => api.get<ConversationWithMessages>(`/conversations/${encodeURIComponent(id)}`, undefined, signal);
export const renameConversation = (id: string, title: string) => api.patch<ConversationDto>(`/conversations/${encodeURIComponent(id)}`, { title });
export const deleteConversation = (id: string) => api.delete(`/conversations/${encodeURIComponent(id)}`);

type Capability = 'rename' | 'delete';
const STORE_KEY = 'rag.conversations.unsupported';

function readUnsupported(): Capability[] {
  try {
    return JSON.parse(window.sessionStorage.getItem(STORE_KEY) ?? '[]') as Capability[];
  } catch {
    return [];
  }
}

/**
 * Rename and delete of conversations, which older servers lack: once the server answers 404 or
 * 405 for the route, the control is hidden for the rest of the session.
 */
export function useConversationCapabilities() {
  const [unsupported, setUnsupported] = useState<Capability[]>(readUnsupported);
  return {
    canRename: !unsupported.includes('rename'),
    canDelete: !unsupported.includes('delete'),
    markUnsupported(capability: Capability) {
      const next = [...new Set([...unsupported, capability])];
      setUnsupported(next);
      try {
        window.sessionStorage.setItem(STORE_KEY, JSON.stringify(next));
      } catch {
        // Remembered for this page only.
      }
    },
  };
}
