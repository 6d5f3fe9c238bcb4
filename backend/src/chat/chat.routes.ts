import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requirePermission } from '../auth/permissions.ts';
import { principalOf } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import { idParamsSchema, pageQuerySchema } from '../contracts/admin.ts';
import { chatRequestSchema, feedbackRequestSchema, type ChatLimitsDto } from '../contracts/chat.ts';
import { NotFoundError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import type { AnswerSink, ChatService } from './chat.service.ts';
import type { ConversationsRepository } from './conversations.repository.ts';
import type { FeedbackRepository } from './feedback.repository.ts';
import { feedbackAsQuestions } from './feedback-export.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import { streamEvents } from './sse.ts';

type SourcesData = Parameters<AnswerSink['sources']>[0];
const renameSchema = z.strictObject({ title: z.string().trim().min(1).max(200) });
const messageParamsSchema = z.strictObject({ messageId: z.string().min(1).max(100) });

/** POST /chat (SSE or JSON) and the caller's own conversations. */
export function chatRouter(deps: {
  config: Config;
  chat: ChatService;
  conversations: ConversationsRepository;
  feedback: FeedbackRepository;
  authenticate: RequestHandler;
  limits: Pick<RateLimits, 'consumeChat'>;
}): Router {
  const { chat, conversations, feedback } = deps;
  const router = Router();
  const requestSchema = chatRequestSchema(deps.config.chat.questionMaxChars);
  const canChat = requirePermission('chat');

  router.post('/chat', deps.authenticate, canChat, async (req: Request, res: Response, next: NextFunction) => {
    const body = parseInput(requestSchema, req.body, 'chat request');
    const principal = principalOf(req);
    // Counted only once the request is valid, so a malformed one does not use up the limit.
    await deps.limits.consumeChat(principal);
    // A client that goes away cancels the model's work.
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    if (!body.stream) {
      const silent = { sources: () => {}, token: () => {} };
      res.json(await chat.answer(body, principal, silent, abort.signal));
      return;
    }
    await streamEvents(res, next, async (write) => {
      const sink = { sources: (data: SourcesData) => write({ event: 'sources', data }), token: (text: string) => write({ event: 'token', data: { text } }) };
      const { answer: _answer, sources: _sources, ...done } = await chat.answer(body, principal, sink, abort.signal);
      write({ event: 'done', data: done });
    });
  });

  router.get('/chat/limits', deps.authenticate, canChat, (_req, res) => {
    res.json({ questionMaxChars: deps.config.chat.questionMaxChars } satisfies ChatLimitsDto);
  });

  const own = (req: Request) => {
    const { id } = parseInput(idParamsSchema, { id: req.params.id }, 'conversation id');
    const conversation = conversations.getOwned(id, principalOf(req).userId);
    if (!conversation) throw new NotFoundError('conversation not found');
    return conversation;
  };

  router.get('/conversations', deps.authenticate, canChat, (req, res) => {
    const { limit, offset } = parseInput(pageQuerySchema, req.query, 'query');
    res.json({ items: conversations.list(principalOf(req).userId, limit, offset), limit, offset });
  });
  router.get('/conversations/:id', deps.authenticate, canChat, (req, res) => {
    const conversation = own(req);
    const given = feedback.forConversation(conversation.id);
    const messages = conversations.messages(conversation.id).map((m) => (m.role === 'assistant' ? { ...m, feedback: given.get(m.id) ?? null } : m));
    res.json({ ...conversation, messages });
  });
  // Only the asker rates an answer of their own conversation; a rating replaces the previous one.
  router.put('/conversations/:id/messages/:messageId/feedback', deps.authenticate, canChat, (req, res) => {
    const conversation = own(req);
    const { messageId } = parseInput(messageParamsSchema, { messageId: req.params.messageId }, 'message id');
    const message = conversations.messages(conversation.id).find((m) => m.id === messageId && m.role === 'assistant');
    if (!message) throw new NotFoundError('answer not found');
    res.json(feedback.save(message.id, principalOf(req).userId, parseInput(feedbackRequestSchema, req.body, 'feedback')));
  });
  router.get('/admin/feedback', deps.authenticate, requirePermission('admin'), (req, res) => {
    const { limit, offset } = parseInput(pageQuerySchema, req.query, 'query');
    res.json({ ...feedback.list(limit, offset), limit, offset });
  });
  router.get('/admin/feedback/export', deps.authenticate, requirePermission('admin'), (_req, res) => {
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('content-disposition', `attachment; filename="feedback-questions-${day}.json"`);
    res.type('application/json').send(JSON.stringify(feedbackAsQuestions(feedback.rated(), `Feedback on answers, ${day}`), null, 2));
  });
  router.patch('/conversations/:id', deps.authenticate, canChat, (req, res) => {
    const conversation = own(req);
    const { title } = parseInput(renameSchema, req.body, 'conversation change');
    conversations.rename(conversation.id, title);
    res.json({ ...conversation, title });
  });
  router.delete('/conversations/:id', deps.authenticate, canChat, (req, res) => {
    conversations.delete(own(req).id);
    res.status(204).end();
  });

  return router;
}
