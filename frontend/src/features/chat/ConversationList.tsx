import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ConversationDto } from '@contracts/chat.ts';
import { Link } from '../../app/router.tsx';
import { formatDate } from '../../ui/format.ts';

interface ConversationListProps {
  conversations: ConversationDto[];
  currentId: string | null;
  loading: boolean;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (conversation: ConversationDto) => void;
}

/** Past conversations, newest first, with new, rename and delete (when the server offers them). */
export function ConversationList({ conversations, currentId, loading, onNew, onRename, onDelete }: ConversationListProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [title, setTitle] = useState('');

  function handleStartRename(c: ConversationDto) {
    setEditing(c.id);
    setTitle(c.title);
  }

  function handleSubmitRename(e: FormEvent) {
    e.preventDefault();
    const trimmed = title.trim();
    if (editing && trimmed) onRename(editing, trimmed);
    setEditing(null);
  }

  function handleRenameKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      setEditing(null);
    }
  }

  return (
    <nav className="conversations" aria-label="Conversations">
      <div className="conversations-head">
        <h2 className="section-title">Conversations</h2>
        <button type="button" className="button button-small button-primary" onClick={onNew}>
          New
        </button>
      </div>
      {loading && <p className="muted conversations-empty">Loading…</p>}
      {!loading && conversations.length === 0 && <p className="muted conversations-empty">No conversations yet. Ask a question to start one.</p>}
      <ul className="conversation-list">
        {conversations.map((c) => (
          <li key={c.id} className={`conversation${c.id === currentId ? ' is-current' : ''}`}>
            {editing === c.id ? (
              <form className="conversation-rename" onSubmit={handleSubmitRename}>
                <label className="visually-hidden" htmlFor={`rename-${c.id}`}>
                  New title
                </label>
                <input id={`rename-${c.id}`} value={title} onChange={(e) => setTitle(e.target.value)} onKeyDown={handleRenameKey} maxLength={200} autoFocus />
                <button type="submit" className="button button-small">
                  Save
                </button>
              </form>
            ) : (
              <>
                <Link href={`/chat/${c.id}`} className="conversation-link" aria-current={c.id === currentId ? 'page' : undefined}>
                  <span className="conversation-title">{c.title || 'Untitled'}</span>
                  <span className="conversation-date">{formatDate(c.updatedAt)}</span>
                </Link>
                <span className="conversation-actions">
                  <button type="button" className="icon-button" onClick={() => handleStartRename(c)} aria-label={`Rename ${c.title || 'conversation'}`} title="Rename">
                    ✎
                  </button>
                  <button type="button" className="icon-button" onClick={() => onDelete(c)} aria-label={`Delete ${c.title || 'conversation'}`} title="Delete">
                    ✕
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
