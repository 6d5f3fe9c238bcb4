import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { requirePermission } from '../auth/permissions.ts';
import { principalOf } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import { idParamsSchema, pageQuerySchema } from '../contracts/admin.ts';
import { chatRequestSchema, feedbackRequestSchema, messageIdParamsSchema, renameConversationRequestSchema, type ChatLimitsDto } from '../contracts/chat.ts';
import { parseInput } from '../http/validate.ts';
import type { AnswerSink, ChatService } from './chat.service.ts';
import type { ConversationsService } from './conversations.service.ts';
import type { FeedbackRepository } from './feedback.repository.ts';
import { feedbackAsQuestions } from './feedback-export.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import { streamEvents } from './sse.ts';

type SourcesData = Parameters<AnswerSink['sources']>[0];

/** POST /chat (SSE or JSON) and the caller's own conversations. */
export function chatRouter(deps: {
  config: Config;
  chat: ChatService;
  conversations: ConversationsService;
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

  // Another person's conversation is as absent as a missing one, whatever else the request says.
  const own = (req: Request) => {
    const { id } = parseInput(idParamsSchema, { id: req.params.id }, 'conversation id');
    return conversations.requireOwned(id, principalOf(req).userId);
  };

  router.get('/conversations', deps.authenticate, canChat, (req, res) => {
    res.json(conversations.list(principalOf(req).userId, parseInput(pageQuerySchema, req.query, 'query')));
  });
  router.get('/conversations/:id', deps.authenticate, canChat, (req, res) => {
    res.json(conversations.read(own(req)));
  });
  // Only the asker rates an answer of their own conversation; a rating replaces the previous one.
  router.put('/conversations/:id/messages/:messageId/feedback', deps.authenticate, canChat, (req, res) => {
    const conversation = own(req);
    const { messageId } = parseInput(messageIdParamsSchema, { messageId: req.params.messageId }, 'message id');
    const answerId = conversations.requireAnswer(conversation, messageId);
    res.json(conversations.rateAnswer(answerId, principalOf(req).userId, parseInput(feedbackRequestSchema, req.body, 'feedback')));
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
    const { title } = parseInput(renameConversationRequestSchema, req.body, 'conversation change');
    res.json(conversations.rename(conversation, title));
  });
  router.delete('/conversations/:id', deps.authenticate, canChat, (req, res) => {
    conversations.remove(own(req));
    res.status(204).end();
  });

  return router;
}
