import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SourceDto } from '@contracts/chat.ts';
import { useCollections } from '../../api/collections.ts';
import { describeError } from '../../api/errors.ts';
import { navigate, setQueryParam, useLocation } from '../../app/router.tsx';
import { documentKey, fetchDocument } from '../documents/documents.api.ts';
import { Notice } from '../../ui/Notice.tsx';
import { useDraft } from '../auth/drafts.ts';
import { conversationKey, conversationsKey, fetchConversation, fetchConversations, useChatLimits } from './chat.api.ts';
import { toast } from '../../ui/toast.tsx';
import { CitationPanel } from './CitationPanel.tsx';
import { conversationToMarkdown, exportFileName } from './conversationMarkdown.ts';
import { CollectionPicker } from './CollectionPicker.tsx';
import { Composer } from './Composer.tsx';
import { DocumentPicker, type ChosenDocument } from './DocumentPicker.tsx';
import { ConversationSidebar } from './ConversationSidebar.tsx';
import { useCountdown } from './ChatNotice.tsx';
import { Thread } from './Thread.tsx';
import { useChatStream, type PendingAnswer } from './useChatStream.ts';
import './chat-layout.css';
import './chat.css';

/** Ask questions, read streamed answers with citations, and come back to past conversations. */
export default function ChatPage() {
  const { path, params } = useLocation();
  const askDocument = params.get('document');
  const conversationId = path.startsWith('/chat/') ? decodeURIComponent(path.slice('/chat/'.length)) : null;
  const queryClient = useQueryClient();
  const collections = useCollections();
  const conversations = useQuery({ queryKey: conversationsKey, queryFn: ({ signal }) => fetchConversations(signal) });
  // Until the limit arrives (or if it cannot), the server's own check of the question holds.
  const limits = useChatLimits();
  const conversation = useQuery({
    queryKey: conversationKey(conversationId ?? ''),
    queryFn: ({ signal }) => fetchConversation(conversationId!, signal),
    enabled: conversationId !== null,
  });
  const [draft, setDraft] = useDraft('chat.question');
  const [chosen, setChosen] = useState<string[]>([]);
  // Chosen documents (or "Ask this document"): questions are limited to them until they are cleared.
  const [onlyDocuments, setOnlyDocuments] = useState<ChosenDocument[]>([]);
  const [searched, setSearched] = useState<Record<string, string[]>>({});
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
    if (!askDocument) return;
    queryClient
      .fetchQuery({ queryKey: documentKey(askDocument), queryFn: ({ signal }) => fetchDocument(askDocument, signal) })
      .then((doc) => setOnlyDocuments([{ id: doc.id, filename: doc.filename }]))
      .catch((err: unknown) => toast(`That document cannot be asked: ${describeError(err)}`, 'error'))
      .finally(() => setQueryParam('document', null));
  }, [askDocument, queryClient]);

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
    const documentIds = onlyDocuments.length > 0 ? onlyDocuments.map((d) => d.id) : undefined;
    // Documents asked by name are searched wherever they are; the collection choice is for the rest.
    const collectionIds = !documentIds && chosen.length > 0 ? chosen : undefined;
    void stream.ask({ question, conversationId: conversationId ?? undefined, collectionIds, documentIds });
  }

  function handleFinished(answer: PendingAnswer) {
    // No answer came: give the question back, so asking again is one key press.
    if (answer.phase === 'failed') setDraft(answer.question);
    // Signed out meanwhile: the sign-in prompt says so; the question waits in the box.
    if (answer.failure?.kind === 'signedOut') stream.reset();
    if (answer.searched && answer.messageId) setSearched((s) => ({ ...s, [answer.messageId!]: answer.searched! }));
    if (!answer.conversationId) return;
    void queryClient.invalidateQueries({ queryKey: conversationsKey });
    if (answer.phase === 'done') void queryClient.invalidateQueries({ queryKey: conversationKey(answer.conversationId) });
    if (answer.conversationId !== conversationId) {
      arrivingAt.current = answer.conversationId;
      navigate(`/chat/${answer.conversationId}`, { replace: conversationId === null });
    }
  }

  // A new answer to the last question, in the same conversation (the earlier answer stays above).
  function handleRegenerate() {
    const last = [...messages].reverse().find((m) => m.role === 'user');
    if (last && !stream.busy) handleAsk(last.content);
  }

  function handleEdit(question: string) {
    setDraft(question);
    const box = document.getElementById('question') as HTMLTextAreaElement | null;
    box?.focus();
    box?.setSelectionRange(question.length, question.length);
  }

  function conversationMarkdown(): string {
    return conversationToMarkdown(conversation.data?.title ?? 'Conversation', messages);
  }

  async function handleCopyConversation() {
    try {
      await navigator.clipboard.writeText(conversationMarkdown());
      toast('Conversation copied as Markdown.');
    } catch {
      toast('The clipboard is not available here; use Export instead.', 'error');
    }
  }

  function handleExportConversation() {
    const url = URL.createObjectURL(new Blob([conversationMarkdown()], { type: 'text/markdown;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(conversation.data?.title ?? 'conversation');
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
        {messages.length > 0 && !showPending && (
          <div className="chat-tools" role="toolbar" aria-label="Conversation">
            <button type="button" className="button button-small button-ghost" onClick={() => void handleCopyConversation()}>
              Copy as Markdown
            </button>
            <button type="button" className="button button-small button-ghost" onClick={handleExportConversation}>
              Export .md
            </button>
          </div>
        )}
        <Thread
          conversationId={conversationId}
          messages={shown}
          pending={showPending ? pending : null}
          searched={searched}
          onCite={(sources, n) => setCitation({ sources, n })}
          onEdit={handleEdit}
          onRegenerate={stream.busy ? undefined : handleRegenerate}
        />
        <Composer
          value={draft}
          onChange={setDraft}
          onSubmit={handleAsk}
          onStop={stream.stop}
          busy={stream.busy}
          waitSeconds={waitSeconds}
          maxLength={limits.data?.questionMaxChars}
          focusKey={conversationId ?? 'new'}
          picker={
            <div className="chat-scope">
              {onlyDocuments.length === 0 && <CollectionPicker collections={collections.data ?? []} value={chosen} onChange={setChosen} />}
              <DocumentPicker value={onlyDocuments} onChange={setOnlyDocuments} />
            </div>
          }
        />
      </section>
      {current && citation && (
        <CitationPanel source={current} sources={citation.sources} onSelect={(n) => setCitation({ ...citation, n })} onClose={() => setCitation(null)} />
      )}
    </div>
  );
}
