import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SourceDto } from '@contracts/chat.ts';
import { useCollections } from '../../api/collections.ts';
import { describeError } from '../../api/errors.ts';
import { navigate, useLocation } from '../../app/router.tsx';
import { Notice } from '../../ui/Notice.tsx';
import { useDraft } from '../auth/drafts.ts';
import { conversationKey, conversationsKey, fetchConversation, fetchConversations } from './chat.api.ts';
import { CitationPanel } from './CitationPanel.tsx';
import { CollectionPicker } from './CollectionPicker.tsx';
import { Composer } from './Composer.tsx';
import { ConversationSidebar } from './ConversationSidebar.tsx';
import { useCountdown } from './ChatNotice.tsx';
import { Thread } from './Thread.tsx';
import { useChatStream, type PendingAnswer } from './useChatStream.ts';
import './chat-layout.css';
import './chat.css';

const QUESTION_MAX = 4000;

/** Ask questions, read streamed answers with citations, and come back to past conversations. */
export default function ChatPage() {
  const { path } = useLocation();
  const conversationId = path.startsWith('/chat/') ? decodeURIComponent(path.slice('/chat/'.length)) : null;
  const queryClient = useQueryClient();
  const collections = useCollections();
  const conversations = useQuery({ queryKey: conversationsKey, queryFn: ({ signal }) => fetchConversations(signal) });
  const conversation = useQuery({
    queryKey: conversationKey(conversationId ?? ''),
    queryFn: ({ signal }) => fetchConversation(conversationId!, signal),
    enabled: conversationId !== null,
  });
  const [draft, setDraft] = useDraft('chat.question');
  const [chosen, setChosen] = useState<string[]>([]);
  const [citation, setCitation] = useState<{ sources: SourceDto[]; n: number } | null>(null);
  const [baseCount, setBaseCount] = useState(0);
  const arrivingAt = useRef<string | null>(null);
  const stream = useChatStream(handleFinished);
  const pending = stream.pending;
  const waitSeconds = useCountdown(pending?.failure?.kind === 'rateLimited' ? pending.failure.retryAfterSeconds : null);

  // Opening another conversation drops the answer on screen; arriving at the one just created does not.
  useEffect(() => {
    if (conversationId !== null && conversationId === arrivingAt.current) {
      arrivingAt.current = null;
      return;
    }
    stream.reset();
    setCitation(null);
  }, [conversationId, stream.reset]);

  useEffect(() => {
    if (conversation.data) setChosen(conversation.data.collectionIds);
  }, [conversation.data?.id]);

  const messages = conversation.data?.messages ?? [];
  const pendingStored = pending?.messageId ? messages.some((m) => m.id === pending.messageId) : false;
  const showPending = pending !== null && !pendingStored;
  const shown = showPending ? messages.slice(0, baseCount) : messages;

  function handleAsk(question: string) {
    setBaseCount(messages.length);
    setCitation(null);
    setDraft('');
    void stream.ask({ question, conversationId: conversationId ?? undefined, collectionIds: chosen.length > 0 ? chosen : undefined });
  }

  function handleFinished(answer: PendingAnswer) {
    // No answer came: give the question back, so asking again is one key press.
    if (answer.phase === 'failed') setDraft(answer.question);
    // Signed out meanwhile: the sign-in prompt says so; the question waits in the box.
    if (answer.failure?.kind === 'signedOut') stream.reset();
    if (!answer.conversationId) return;
    void queryClient.invalidateQueries({ queryKey: conversationsKey });
    if (answer.phase === 'done') void queryClient.invalidateQueries({ queryKey: conversationKey(answer.conversationId) });
    if (answer.conversationId !== conversationId) {
      arrivingAt.current = answer.conversationId;
      navigate(`/chat/${answer.conversationId}`, { replace: conversationId === null });
    }
  }

  function handleNew() {
    navigate('/chat');
    document.getElementById('question')?.focus();
  }

  const current = citation ? citation.sources.find((s) => s.n === citation.n) : undefined;
  const empty = shown.length === 0 && !showPending;

  return (
    <div className={`chat${current ? ' has-panel' : ''}`}>
      <ConversationSidebar conversations={conversations} currentId={conversationId} onNew={handleNew} />
      <section className="chat-main" aria-labelledby="chat-title">
        <h1 id="chat-title" className="visually-hidden">
          {conversation.data?.title ?? 'New conversation'}
        </h1>
        {conversation.isError && (
          <Notice tone="error" title="This conversation could not be opened.">
            {describeError(conversation.error)}
          </Notice>
        )}
        {empty && !conversation.isPending && (
          <div className="chat-welcome">
            <h2>Ask your documents</h2>
            <p className="muted">Answers are written from your uploaded documents and cite the page they come from. Click a number to see the source.</p>
          </div>
        )}
        <Thread messages={shown} pending={showPending ? pending : null} onCite={(sources, n) => setCitation({ sources, n })} />
        <Composer
          value={draft}
          onChange={setDraft}
          onSubmit={handleAsk}
          onStop={stream.stop}
          busy={stream.busy}
          waitSeconds={waitSeconds}
          maxLength={QUESTION_MAX}
          focusKey={conversationId ?? 'new'}
          picker={<CollectionPicker collections={collections.data ?? []} value={chosen} onChange={setChosen} />}
        />
      </section>
      {current && citation && (
        <CitationPanel source={current} sources={citation.sources} onSelect={(n) => setCitation({ ...citation, n })} onClose={() => setCitation(null)} />
      )}
    </div>
  );
}
