import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config.ts';
import { chatRequestSchema } from '../contracts/chat.ts';
import { parseInput } from '../http/validate.ts';
import type { AnswerSink, ChatService } from './chat.service.ts';
import type { ConversationsRepository } from './conversations.repository.ts';
import { NotFoundError } from '../http/errors.ts';
import { streamEvents } from './sse.ts';
import { z } from 'zod';

type SourcesData = Parameters<AnswerSink['sources']>[0];

const pageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function chatRouter(config: Config, chat: ChatService, conversations: ConversationsRepository): Router {
  const router = Router();
  const requestSchema = chatRequestSchema(config.chat.questionMaxChars);

  router.post('/chat', async (req: Request, res: Response, next: NextFunction) => {
    const body = parseInput(requestSchema, req.body, 'chat request');
    // A client that goes away cancels the model's work.
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    if (!body.stream) {
      const silent = { sources: () => {}, token: () => {} };
      res.json(await chat.answer(body, silent, abort.signal));
      return;
    }
    await streamEvents(res, next, async (write) => {
      const sink = { sources: (data: SourcesData) => write({ event: 'sources', data }), token: (text: string) => write({ event: 'token', data: { text } }) };
      const { answer: _answer, sources: _sources, ...done } = await chat.answer(body, sink, abort.signal);
      write({ event: 'done', data: done });
    });
  });

  router.get('/conversations', (req, res) => {
    const { limit, offset } = parseInput(pageSchema, req.query, 'query');
    res.json({ items: conversations.list(limit, offset), limit, offset });
  });

  router.get('/conversations/:id', (req, res) => {
    const conversation = conversations.get(String(req.params.id));
    if (!conversation) throw new NotFoundError('conversation not found');
    res.json({ ...conversation, messages: conversations.messages(conversation.id) });
  });

  return router;
}
