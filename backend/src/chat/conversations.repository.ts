import { randomUUID } from 'node:crypto';
import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { CitationDto, ConversationDto, MessageDto } from '../contracts/chat.ts';

interface ConversationRow {
  id: string;
  title: string;
  collection_ids: string;
  user_id: string | null;
  created_at: string;
  updated_at: string;
}
interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageDto['status'];
  citations: string;
  created_at: string;
}

/** Conversations and their messages; presents rows as DTOs so nothing raw leaves. */
export function createConversationsRepository(db: Db) {
  const toConversation = (r: ConversationRow): ConversationDto => ({
    id: r.id,
    title: r.title,
    collectionIds: JSON.parse(r.collection_ids) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  const toMessage = (r: MessageRow): MessageDto => ({
    id: r.id,
    role: r.role,
    content: r.content,
    status: r.status,
    citations: JSON.parse(r.citations) as CitationDto[],
    createdAt: r.created_at,
  });

  return {
    create(title: string, collectionIds: string[], userId: string | null, id: string = randomUUID()): ConversationDto {
      const now = nowIso();
      db.prepare('INSERT INTO conversations (id, title, collection_ids, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id, title, JSON.stringify(collectionIds), userId, now, now,
      );
      return { id, title, collectionIds, createdAt: now, updatedAt: now };
    },
    /** The conversation if it is this user's; someone else's is as absent as a missing one. */
    getOwned(id: string, userId: string): ConversationDto | undefined {
      const row = db.prepare<[string, string], ConversationRow>('SELECT * FROM conversations WHERE id = ? AND user_id = ?').get(id, userId);
      return row && toConversation(row);
    },
    list(userId: string, limit: number, offset: number): ConversationDto[] {
      return db
        .prepare<[string, number, number], ConversationRow>('SELECT * FROM conversations WHERE user_id = ? ORDER BY updated_at DESC LIMIT ? OFFSET ?')
        .all(userId, limit, offset)
        .map(toConversation);
    },
    rename: (id: string, title: string) => db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?').run(title, nowIso(), id),
    delete: (id: string) => db.prepare('DELETE FROM conversations WHERE id = ?').run(id),
    /** The last `turns` complete messages, oldest first. */
    recentMessages(conversationId: string, turns: number): MessageDto[] {
      return db
        .prepare<[string, number], MessageRow>(
          `SELECT * FROM messages WHERE conversation_id = ? AND status = 'complete' ORDER BY created_at DESC, rowid DESC LIMIT ?`,
        )
        .all(conversationId, turns)
        .reverse()
        .map(toMessage);
    },
    messages(conversationId: string): MessageDto[] {
      return db
        .prepare<[string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid')
        .all(conversationId)
        .map(toMessage);
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
