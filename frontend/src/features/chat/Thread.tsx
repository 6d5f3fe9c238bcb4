import { useEffect, useRef } from 'react';
import type { MessageDto, SourceDto } from '@contracts/chat.ts';
import { AssistantMessage, type AnswerPhase } from './AssistantMessage.tsx';
import type { PendingAnswer } from './useChatStream.ts';

interface ThreadProps {
  /** The conversation the stored messages belong to, so their answers can be rated. */
  conversationId: string | null;
  messages: MessageDto[];
  pending: PendingAnswer | null;
  /** Names of the documents searched, by answer id, for answers limited to documents. */
  searched?: Record<string, string[]>;
  onCite: (sources: SourceDto[], n: number) => void;
  /** Puts a question back in the box, to change it and ask again. */
  onEdit: (question: string) => void;
  /** Asks the last question again for a new answer; absent while an answer is on its way. */
  onRegenerate?: () => void;
}

const PHASE_OF: Record<MessageDto['status'], AnswerPhase> = { complete: 'done', aborted: 'stopped', failed: 'failed' };

/** The conversation so far, then the answer being streamed; follows the stream unless the person scrolled up. */
export function Thread({ conversationId, messages, pending, searched, onCite, onEdit, onRegenerate }: ThreadProps) {
  const endRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const handleScroll = () => {
      follow.current = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    };
    list.addEventListener('scroll', handleScroll, { passive: true });
    return () => list.removeEventListener('scroll', handleScroll);
  }, []);

  useEffect(() => {
    if (follow.current) endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, pending?.text, pending?.phase]);

  return (
    <div className="thread" ref={listRef} role="log" aria-label="Conversation" aria-live="off">
      {messages.map((m, i) =>
        m.role === 'user' ? (
          <UserMessage key={m.id} text={m.content} onEdit={onEdit} />
        ) : (
          <AssistantMessage
            key={m.id}
            text={m.content}
            phase={PHASE_OF[m.status]}
            sources={m.citations}
            cited={m.citations}
            searched={searched?.[m.id]}
            failure={m.status === 'failed' ? { kind: 'other', message: 'This answer failed before it was complete.' } : null}
            onCite={onCite}
            onRegenerate={i === messages.length - 1 && !pending ? onRegenerate : undefined}
            stored={conversationId && m.status === 'complete' ? { conversationId, messageId: m.id, feedback: m.feedback ?? null } : undefined}
          />
        ),
      )}
      {pending && (
        <>
          <UserMessage text={pending.question} />
          <AssistantMessage
            text={pending.text}
            phase={pending.phase}
            sources={pending.sources}
            cited={pending.citations}
            noSources={pending.noSources}
            searched={pending.searched}
            failure={pending.failure}
            onCite={onCite}
          />
        </>
      )}
      <div ref={endRef} />
    </div>
  );
}

function UserMessage({ text, onEdit }: { text: string; onEdit?: (question: string) => void }) {
  return (
    <div className="message-user-row">
      <article className="message message-user" aria-label="Your question">
        <p>{text}</p>
      </article>
      {onEdit && (
        <button type="button" className="button button-small button-ghost message-edit" onClick={() => onEdit(text)} aria-label={`Edit and ask again: ${text.slice(0, 60)}`}>
          Edit
        </button>
      )}
    </div>
  );
}
