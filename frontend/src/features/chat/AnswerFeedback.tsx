import { useId, useState, type FormEvent } from 'react';
import type { FeedbackDto } from '@contracts/chat.ts';
import { describeError } from '../../api/errors.ts';
import { saveFeedback } from './chat.api.ts';

interface AnswerFeedbackProps {
  conversationId: string;
  messageId: string;
  initial: FeedbackDto | null;
}

/** Thumbs up or down on an answer, then an optional comment; stored with the answer, read by admins. */
export function AnswerFeedback({ conversationId, messageId, initial }: AnswerFeedbackProps) {
  const [rating, setRating] = useState<FeedbackDto['rating'] | null>(initial?.rating ?? null);
  const [comment, setComment] = useState(initial?.comment ?? '');
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const commentId = useId();

  async function save(next: FeedbackDto['rating'], text: string) {
    try {
      await saveFeedback(conversationId, messageId, { rating: next, comment: text });
      setStatus(text ? 'Thank you: your rating and comment are saved.' : 'Thank you: your rating is saved.');
      return true;
    } catch (err) {
      setStatus(`Not saved: ${describeError(err)}`);
      return false;
    }
  }

  async function handleRate(next: FeedbackDto['rating']) {
    setRating(next);
    if (await save(next, comment)) setEditing(true);
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (rating && (await save(rating, comment.trim()))) setEditing(false);
  }

  return (
    <div className="feedback">
      <div className="feedback-buttons" role="group" aria-label="Rate this answer">
        <button type="button" className="icon-button feedback-button" aria-pressed={rating === 'up'} aria-label="Good answer" title="Good answer" onClick={() => void handleRate('up')}>
          <ThumbIcon />
        </button>
        <button type="button" className="icon-button feedback-button" aria-pressed={rating === 'down'} aria-label="Bad answer" title="Bad answer" onClick={() => void handleRate('down')}>
          <ThumbIcon down />
        </button>
      </div>
      {editing && rating && (
        <form className="feedback-form" onSubmit={(e) => void handleSubmit(e)}>
          <label htmlFor={commentId}>{rating === 'down' ? 'What was wrong? (optional)' : 'What was good? (optional)'}</label>
          <textarea id={commentId} value={comment} maxLength={2000} rows={2} onChange={(e) => setComment(e.target.value)} />
          <div className="feedback-actions">
            <button type="submit" className="button button-small button-primary">
              Save comment
            </button>
            <button type="button" className="button button-small button-ghost" onClick={() => setEditing(false)}>
              Close
            </button>
          </div>
        </form>
      )}
      <span className="feedback-status muted" role="status">
        {status}
      </span>
    </div>
  );
}

/** A thumb, drawn (no emoji font is needed); turned over for "down". */
function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg className={`thumb-icon${down ? ' is-down' : ''}`} viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        d="M7 10v10H4V10h3zm2 10h8.2a2 2 0 0 0 2-1.6l1.3-6.4a2 2 0 0 0-2-2.4H14l.8-3.9a1.6 1.6 0 0 0-2.9-1.2L9 9.5V20z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.7"
        strokeLinejoin="round"
      />
    </svg>
  );
}
