import { randomUUID } from 'node:crypto';
import type { LlmClient } from '../clients/ollama.ts';
import type { Config } from '../config.ts';
import type { ChatRequest, ChatResponseDto, CitationDto, SearchedDocumentDto, SourceDto } from '../contracts/chat.ts';
import type { DocumentsRepository } from '../documents/documents.repository.ts';
import { HttpError, NotFoundError } from '../http/errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { Logger } from '../logger.ts';
import { secondsSince, type Metrics } from '../metrics/metrics.ts';
import type { SettingsStore } from '../settings/settings.store.ts';
import type { RetrievalService } from '../retrieval/retrieval.service.ts';
import type { AnswerCache } from './answer-cache.ts';
import { createImageFilter } from './answer-text.ts';
import { extractCitations, presentSources } from './citations.ts';
import { presentConversation } from './conversations.presenter.ts';
import type { ConversationsRepository } from './conversations.repository.ts';
import { buildPrompt } from './prompt.ts';

export const NO_SOURCES_ANSWER = 'I could not find anything about this in the documents you can search.';

/** Receives a streamed answer as it is produced. */
export interface AnswerSink {
  sources(data: { conversationId: string; sources: SourceDto[] }): void;
  token(text: string): void;
}

export interface ChatServiceDeps {
  config: Config;
  llm: LlmClient;
  retrieval: RetrievalService;
  conversations: ConversationsRepository;
  cache: AnswerCache;
  access: Pick<CollectionsService, 'readableIds'>;
  documents: Pick<DocumentsRepository, 'get'>;
  settings: Pick<SettingsStore, 'get'>;
  metrics: Metrics;
  logger: Logger;
}

export function createChatService(deps: ChatServiceDeps) {
  const { config, llm, retrieval, conversations, cache, logger } = deps;
  const measured = deps.metrics.chat;

  /** Counts every answer by outcome; a refused request (unknown conversation or collection) is not an answer. */
  async function answerMeasured(req: ChatRequest, principal: Principal, sink: AnswerSink, signal: AbortSignal): Promise<ChatResponseDto> {
    const started = performance.now();
    const count = (outcome: 'answered' | 'no_sources' | 'cached' | 'failed' | 'aborted') => {
      measured.answers.inc({ outcome });
      measured.duration.observe({ outcome }, secondsSince(started));
    };
    try {
      const result = await answer(req, principal, sink, signal);
      count(signal.aborted ? 'aborted' : result.cached ? 'cached' : result.noSources ? 'no_sources' : 'answered');
      return result;
    } catch (err) {
      if (!(err instanceof HttpError && err.status < 500)) count(signal.aborted ? 'aborted' : 'failed');
      throw err;
    }
  }

  /**
   * Answers a question over the collections: retrieve, prompt, stream from Ollama, save.
   * Nothing is written before the model has started answering, so a failure leaves no trace;
   * an answer cut short (client gone, stream broken) is saved with what was said.
   */
  async function answer(req: ChatRequest, principal: Principal, sink: AnswerSink, signal: AbortSignal): Promise<ChatResponseDto> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const owned = req.conversationId ? conversations.getOwned(req.conversationId, principal.userId) : undefined;
    if (req.conversationId && !owned) throw new NotFoundError('conversation not found');
    const existing = owned && presentConversation(owned);
    // Only what the asker may read now: a collection asked for by name must be readable (404 if
    // not), and a conversation's collections are narrowed to those still readable.
    const readable = deps.access.readableIds(principal);
    if (req.collectionIds) for (const id of req.collectionIds) if (!readable.includes(id)) throw new NotFoundError(`collection not found: ${id}`);
    const asked = req.collectionIds ?? existing?.collectionIds.filter((id) => readable.includes(id)) ?? readable;
    // A question limited to documents searches only their collections; a document the asker may
    // not read (or outside the collections asked) is a 404, as everywhere else.
    const searched = req.documentIds ? limitTo(req.documentIds, asked) : undefined;
    const documentIds = searched?.map((d) => d.documentId);
    const collectionIds = searched ? [...new Set(searched.map((d) => d.collectionId))] : asked;
    const searchedDto: { searched?: SearchedDocumentDto[] } = searched ? { searched: searched.map(({ documentId, filename }) => ({ documentId, filename })) } : {};
    const settings = deps.settings.get();
    const conversationId = existing?.id ?? randomUUID();
    const history = existing ? conversations.recentMessages(existing.id, config.chat.historyTurns * 2) : [];

    const save = (content: string, status: 'complete' | 'aborted' | 'failed', citations: CitationDto[], timings: unknown) => {
      if (!existing) conversations.create(req.question.slice(0, 80), req.collectionIds ?? asked, principal.userId, conversationId);
      conversations.addMessage({ conversationId, role: 'user', content: req.question, status: 'complete' });
      return conversations.addMessage({ conversationId, role: 'assistant', content, status, citations, model: settings.chatModel, timings });
    };

    const cacheKey = history.length === 0 ? cache.keyFor(req.question, collectionIds, settings, documentIds) : null;
    if (collectionIds.length === 0) throw new NotFoundError('there is no collection you can ask');
    const hit = cacheKey ? await cache.get(cacheKey) : null;
    if (cacheKey && config.chat.answerCacheTtlS > 0) measured.answerCache.inc({ result: hit ? 'hit' : 'miss' });
    if (hit) {
      sink.sources({ conversationId, sources: hit.sources });
      sink.token(hit.answer);
      const timings = { retrievalMs: 0, firstTokenMs: elapsed(), totalMs: elapsed() };
      const messageId = save(hit.answer, 'complete', hit.citations, timings);
      return { conversationId, messageId, answer: hit.answer, sources: hit.sources, citations: hit.citations, timings, cached: true, noSources: false, ...searchedDto };
    }

    const { results } = await retrieval.retrieve(req.question, collectionIds, settings, documentIds);
    const retrievalMs = elapsed();
    if (results.length === 0) {
      sink.sources({ conversationId, sources: [] });
      sink.token(NO_SOURCES_ANSWER);
      const timings = { retrievalMs, firstTokenMs: elapsed(), totalMs: elapsed() };
      const messageId = save(NO_SOURCES_ANSWER, 'complete', [], timings);
      return { conversationId, messageId, answer: NO_SOURCES_ANSWER, sources: [], citations: [], timings, cached: false, noSources: true, ...searchedDto };
    }

    const { messages, used, omitted } = buildPrompt({
      question: req.question,
      sources: results,
      history: history.map((m) => ({ role: m.role, content: m.content })),
      budgetChars: config.chat.contextBudgetChars,
      systemPrompt: settings.systemPrompt,
    });
    const sources = presentSources(used, req.question);
    measured.sourcesUsed.observe(used.length);
    const tokens = llm.chat(messages, { model: settings.chatModel, temperature: settings.temperature, signal })[Symbol.asyncIterator]();
    // Wait for the model's first words before saying anything, so an unreachable Ollama is a clean 503.
    const first = await tokens.next();
    const firstTokenMs = elapsed();
    measured.timeToFirstToken.observe(firstTokenMs / 1000);
    sink.sources({ conversationId, sources });

    // What the client sees and what is stored pass through one image filter, piece by piece.
    const filter = createImageFilter();
    let text = '';
    const say = (piece: string) => {
      if (!piece) return;
      text += piece;
      sink.token(piece);
    };
    let status: 'complete' | 'aborted' | 'failed' = 'complete';
    let saved: { messageId: string; citations: CitationDto[]; timings: ChatResponseDto['timings'] } | undefined;
    try {
      for (let step = first; !step.done; step = await tokens.next()) say(filter.push(step.value));
      say(filter.end());
      if (signal.aborted) status = 'aborted';
    } catch (err) {
      status = 'failed';
      logger.warn({ err, conversationId }, 'answer stream broke');
      throw err;
    } finally {
      // A stream cut short keeps what was held back, neutralised, in the stored answer.
      text += filter.end();
      const citations = extractCitations(text, used, sources);
      const timings = { retrievalMs, firstTokenMs, totalMs: elapsed() };
      saved = { messageId: save(text, status, citations, timings), citations, timings };
    }
    const { messageId, citations, timings } = saved;
    const answer = text;
    if (cacheKey && status === 'complete') await cache.set(cacheKey, { answer, sources, citations });
    const leftOut = omitted > 0 ? { sourcesLeftOut: { count: omitted, reason: 'context_budget' as const } } : {};
    return { conversationId, messageId, answer, sources, citations, timings, cached: false, noSources: false, ...searchedDto, ...leftOut };
  }
  /** The documents a question is limited to, each readable and in the collections asked, without repeats. */
  function limitTo(documentIds: string[], collectionIds: string[]) {
    return [...new Set(documentIds)].map((id) => {
      const doc = deps.documents.get(id);
      if (!doc || !collectionIds.includes(doc.collection_id)) throw new NotFoundError(`document not found: ${id}`);
      return { documentId: doc.id, filename: doc.filename, collectionId: doc.collection_id };
    });
  }
  return { answer: answerMeasured };
}

export type ChatService = ReturnType<typeof createChatService>;
