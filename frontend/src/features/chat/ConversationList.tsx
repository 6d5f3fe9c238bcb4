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
  // Roving tabindex: the list is one tab stop (the current conversation, or the last one focused); arrows move inside it.
  const [active, setActive] = useState<string | null>(null);
  const tabStop = conversations.some((c) => c.id === active) ? active : conversations.some((c) => c.id === currentId) ? currentId : (conversations[0]?.id ?? null);

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

  function handleListKey(e: KeyboardEvent<HTMLUListElement>) {
    const target = e.target as HTMLElement;
    const row = target.closest('li');
    if (!row || target.tagName === 'INPUT') return;
    const rows = [...e.currentTarget.querySelectorAll<HTMLLIElement>(':scope > li')];
    const controls = [...row.querySelectorAll<HTMLElement>('[data-roving]')];
    const index = rows.indexOf(row as HTMLLIElement);
    const column = controls.indexOf(target);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = rows[Math.min(rows.length - 1, index + 1)]?.querySelector<HTMLElement>('[data-roving]') ?? undefined;
    else if (e.key === 'ArrowUp') next = rows[Math.max(0, index - 1)]?.querySelector<HTMLElement>('[data-roving]') ?? undefined;
    else if (e.key === 'Home') next = rows[0]?.querySelector<HTMLElement>('[data-roving]') ?? undefined;
    else if (e.key === 'End') next = rows.at(-1)?.querySelector<HTMLElement>('[data-roving]') ?? undefined;
    else if (e.key === 'ArrowRight') next = controls[Math.min(controls.length - 1, column + 1)];
    else if (e.key === 'ArrowLeft') next = controls[Math.max(0, column - 1)];
    else return;
    e.preventDefault();
    next?.focus();
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
      <p id="conversation-keys" className="visually-hidden">
        Up and down arrows move between conversations; left and right arrows reach rename and delete.
      </p>
      <ul className="conversation-list" onKeyDown={handleListKey} aria-describedby="conversation-keys">
        {conversations.map((c) => (
          <li key={c.id} className={`conversation${c.id === currentId ? ' is-current' : ''}`} onFocus={() => setActive(c.id)}>
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
                <Link href={`/chat/${c.id}`} className="conversation-link" aria-current={c.id === currentId ? 'page' : undefined} tabIndex={c.id === tabStop ? 0 : -1} data-roving="">
                  <span className="conversation-title">{c.title || 'Untitled'}</span>
                  <span className="conversation-date">{formatDate(c.updatedAt)}</span>
                </Link>
                <span className="conversation-actions">
                  <button type="button" className="icon-button" onClick={() => handleStartRename(c)} aria-label={`Rename ${c.title || 'conversation'}`} title="Rename" tabIndex={-1} data-roving="">
                    ✎
                  </button>
                  <button type="button" className="icon-button" onClick={() => onDelete(c)} aria-label={`Delete ${c.title || 'conversation'}`} title="Delete" tabIndex={-1} data-roving="">
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
