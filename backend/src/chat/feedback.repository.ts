import type { Db } from '../clients/db.ts';
import { nowIso } from '../clients/db.ts';
import type { CitationDto, FeedbackDto, FeedbackEntryDto } from '../contracts/chat.ts';

export interface RatedAnswer {
  rating: FeedbackDto['rating'];
  comment: string;
  question: string | null;
  citations: CitationDto[];
}

interface FeedbackRow {
  message_id: string;
  rating: FeedbackDto['rating'];
  comment: string;
  updated_at: string;
}

interface EntryRow extends FeedbackRow {
  conversation_id: string;
  user_email: string | null;
  answer: string;
  question: string | null;
}

/** Feedback on answers: one row per answer, replaced when its asker changes their mind. */
export function createFeedbackRepository(db: Db) {
  const upsert = db.prepare<{ messageId: string; userId: string | null; rating: string; comment: string; now: string }>(
    `INSERT INTO message_feedback (message_id, user_id, rating, comment, created_at, updated_at) VALUES (@messageId, @userId, @rating, @comment, @now, @now)
     ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, updated_at = excluded.updated_at`,
  );
  const ofConversation = db.prepare<[string], FeedbackRow>(
    'SELECT f.message_id, f.rating, f.comment, f.updated_at FROM message_feedback f JOIN messages m ON m.id = f.message_id WHERE m.conversation_id = ?',
  );
  // The question is the user message just before the answer in its conversation.
  const page = db.prepare<[number, number], EntryRow>(
    `SELECT f.message_id, f.rating, f.comment, f.updated_at, m.conversation_id, m.content AS answer, u.email AS user_email,
       (SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id AND q.role = 'user'
          AND (q.created_at < m.created_at OR (q.created_at = m.created_at AND q.rowid < m.rowid)) ORDER BY q.created_at DESC, q.rowid DESC LIMIT 1) AS question
     FROM message_feedback f JOIN messages m ON m.id = f.message_id LEFT JOIN users u ON u.id = f.user_id
     ORDER BY f.updated_at DESC LIMIT ? OFFSET ?`,
  );
  const rated = db.prepare<[], { rating: FeedbackDto['rating']; comment: string; citations: string; question: string | null }>(
    `SELECT f.rating, f.comment, m.citations,
       (SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id AND q.role = 'user'
          AND (q.created_at < m.created_at OR (q.created_at = m.created_at AND q.rowid < m.rowid)) ORDER BY q.created_at DESC, q.rowid DESC LIMIT 1) AS question
     FROM message_feedback f JOIN messages m ON m.id = f.message_id ORDER BY f.updated_at, f.message_id`,
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM message_feedback');
  const present = (r: FeedbackRow): FeedbackDto => ({ rating: r.rating, comment: r.comment, updatedAt: r.updated_at });

  return {
    save(messageId: string, userId: string | null, feedback: { rating: FeedbackDto['rating']; comment: string }): FeedbackDto {
      const now = nowIso();
      upsert.run({ messageId, userId, rating: feedback.rating, comment: feedback.comment, now });
      return { ...feedback, updatedAt: now };
    },
    /** Feedback on the answers of one conversation, by message id. */
    forConversation(conversationId: string): Map<string, FeedbackDto> {
      return new Map(ofConversation.all(conversationId).map((r) => [r.message_id, present(r)]));
    },
    list(limit: number, offset: number): { items: FeedbackEntryDto[]; total: number } {
      const items = page.all(limit, offset).map((r) => ({
        ...present(r),
        messageId: r.message_id,
        conversationId: r.conversation_id,
        userEmail: r.user_email,
        question: r.question,
        answer: r.answer,
      }));
      return { items, total: count.get()!.n };
    },
    /** Every rated answer, oldest rating first, with its question and the sources it cited. */
    rated(): RatedAnswer[] {
      return rated.all().map((r) => ({ rating: r.rating, comment: r.comment, question: r.question, citations: JSON.parse(r.citations) as CitationDto[] }));
    },
  };
}

export type FeedbackRepository = ReturnType<typeof createFeedbackRepository>;
