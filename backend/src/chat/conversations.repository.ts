import { randomUUID } from 'node:crypto';
import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { CitationDto, MessageDto } from '../contracts/chat.ts';

export interface ConversationRow {
  id: string;
  title: string;
  collection_ids: string;
  user_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageDto['status'];
  citations: string;
  created_at: string;
}

/** Conversations and their messages, as rows (`conversations.presenter.ts` makes them DTOs). */
export function createConversationsRepository(db: Db) {
  return {
    create(title: string, collectionIds: string[], userId: string | null, id: string = randomUUID()): void {
      const now = nowIso();
      db.prepare('INSERT INTO conversations (id, title, collection_ids, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id, title, JSON.stringify(collectionIds), userId, now, now,
      );
    },
    /** The conversation if it is this user's; someone else's is as absent as a missing one. */
    getOwned(id: string, userId: string): ConversationRow | undefined {
      return db.prepare<[string, string], ConversationRow>('SELECT * FROM conversations WHERE id = ? AND user_id = ?').get(id, userId);
    },
    list(userId: string, limit: number, offset: number): ConversationRow[] {
      return db
        .prepare<[string, number, number], ConversationRow>('SELECT * FROM conversations WHERE user_id = ? ORDER BY updated_at DESC LIMIT ? OFFSET ?')
        .all(userId, limit, offset);
    },
    rename: (id: string, title: string) => db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?').run(title, nowIso(), id),
    delete: (id: string) => db.prepare('DELETE FROM conversations WHERE id = ?').run(id),
    /** The last `turns` complete messages, oldest first. */
    recentMessages(conversationId: string, turns: number): MessageRow[] {
      return db
        .prepare<[string, number], MessageRow>(
          `SELECT * FROM messages WHERE conversation_id = ? AND status = 'complete' ORDER BY created_at DESC, rowid DESC LIMIT ?`,
        )
        .all(conversationId, turns)
        .reverse();
    },
    messages(conversationId: string): MessageRow[] {
      return db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid').all(conversationId);
    },
    addMessage(m: { conversationId: string; role: 'user' | 'assistant'; content: string; status: MessageDto['status']; citations?: CitationDto[]; model?: string; timings?: unknown }): string {
      const id = randomUUID();
      const now = nowIso();
      db.transaction(() => {
        db.prepare(
          'INSERT INTO messages (id, conversation_id, role, content, status, citations, model, timings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(id, m.conversationId, m.role, m.content, m.status, JSON.stringify(m.citations ?? []), m.model ?? null, m.timings ? JSON.stringify(m.timings) : null, now);
        db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(now, m.conversationId);
      })();
      return id;
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;
