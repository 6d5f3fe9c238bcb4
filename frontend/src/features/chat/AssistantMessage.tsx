import { useState } from 'react';
import type { FeedbackDto, SourceDto } from '@contracts/chat.ts';
import { AnswerFeedback } from './AnswerFeedback.tsx';
import { numberShownSources } from './citationNumbers.ts';
import { Markdown } from './Markdown.tsx';
import { ChatFailureNotice, NoSourcesNotice } from './ChatNotice.tsx';
import type { ChatFailure } from './useChatStream.ts';

export type AnswerPhase = 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed';

interface AssistantMessageProps {
  text: string;
  phase: AnswerPhase;
  /** Sources the chips in the text may point at, numbered as the model cites them. */
  sources: SourceDto[];
  /** The sources the answer cites, listed under it (null while streaming). */
  cited: SourceDto[] | null;
  noSources?: boolean;
  /** The documents the question was limited to, by name. */
  searched?: string[] | null;
  failure?: ChatFailure | null;
  /** A chip or a listed source was clicked: the sources as shown (numbered 1, 2, 3…) and the one chosen. */
  onCite: (shown: SourceDto[], n: number) => void;
  /** Offered on the last answer: ask its question again for a new answer. */
  onRegenerate?: () => void;
  /** A stored answer can be rated: where it is stored, and the rating it has. */
  stored?: { conversationId: string; messageId: string; feedback: FeedbackDto | null };
}

/**
 * One answer: streamed markdown (announced once complete: aria-busy while streaming), citation
 * chips, the sources it cites, copy, and the states where no answer came.
 */
export function AssistantMessage({ text, phase, sources, cited, noSources, searched, failure, onCite, onRegenerate, stored }: AssistantMessageProps) {
  const [copied, setCopied] = useState(false);
  const streaming = phase === 'waiting' || phase === 'streaming';
  // Chips and the list count what is shown, in the order the text cites it: 1, 2… never a lone [6].
  const { shown, number } = numberShownSources(text, cited ?? sources);
  const handleCite = (n: number) => onCite(shown, n);

  async function handleCopy() {
    try {
      await navigator.clipboard.writeText(text.trim());
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  }

  return (
    <article className={`message message-assistant${streaming ? ' is-streaming' : ''}`} aria-label="Answer" data-testid="assistant-message" data-phase={phase}>
      <div className="message-body" aria-live="polite" aria-busy={streaming} aria-atomic="false">
        {phase === 'waiting' && !text && (
          <p className="thinking">
            <span className="thinking-dots" aria-hidden="true" />
            Searching your documents…
          </p>
        )}
        {text && !noSources && <Markdown text={text} sources={number} onCite={handleCite} />}
        {noSources && <NoSourcesNotice />}
        {failure && <ChatFailureNotice failure={failure} />}
        {phase === 'stopped' && <p className="message-note">Stopped. The answer above is incomplete.</p>}
        {!streaming && searched && searched.length > 0 && <p className="message-note message-searched">Searched: {searched.join(', ')}</p>}
      </div>
      {!streaming && text && !noSources && (
        <footer className="message-footer">
          {cited && shown.length > 0 && (
            <ul className="cited-list" aria-label="Cited sources">
              {shown.map((s) => (
                <li key={s.n}>
                  <button type="button" className="cited-source" onClick={() => handleCite(s.n)}>
                    <span className="cite-chip cite-chip-static" aria-hidden="true">
                      {s.n}
                    </span>
                    {s.filename}
                    {s.page ? ` · p. ${s.page}` : ''}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {stored && <AnswerFeedback conversationId={stored.conversationId} messageId={stored.messageId} initial={stored.feedback} />}
          {onRegenerate && (
            <button type="button" className="button button-small button-ghost regenerate-button" onClick={onRegenerate}>
              Regenerate
            </button>
          )}
          <button type="button" className="button button-small button-ghost copy-button" onClick={() => void handleCopy()}>
            {copied ? 'Copied' : 'Copy answer'}
          </button>
          <span className="visually-hidden" aria-live="polite">
            {copied ? 'Answer copied to the clipboard' : ''}
          </span>
        </footer>
      )}
    </article>
  );
}
