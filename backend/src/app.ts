import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { chatRouter } from './chat/chat.routes.ts';
import { documentsRouter } from './documents/documents.routes.ts';
import { uploadMiddleware } from './documents/upload.ts';
import { healthRouter } from './health/health.routes.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { requestContext } from './http/request-context.ts';
import { scoped } from './logger.ts';
import type { Services } from './services.ts';

/** The Express app: routes over the services, one error middleware at the end. */
export function createApp(services: Services): express.Express {
  const { config, logger } = services;
  const httpLog = scoped(logger, 'http');
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestContext(httpLog));
  app.use(healthRouter(services.health));

  const api = express.Router();
  api.use(express.json({ limit: '64kb', strict: true }));
  api.use('/documents', documentsRouter(services.documentsService, uploadMiddleware(config, services.files)));
  api.get('/collections', (_req, res) => {
    res.json({ items: services.collections.list() });
  });
  api.use(chatRouter(config, services.chat, services.conversations));
  app.use('/api/v1', api);
  app.use(webApp(config.paths.web));

  app.use(notFoundHandler);
  app.use(errorHandler(httpLog));
  return app;
}

/** Serves the built dashboard, with index.html for the app's own routes; nothing when it is not built. */
function webApp(dir: string): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) return router;
  router.use(express.static(dir, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|socket\.io\/|health$|ready$|metrics$).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.sendFile(index);
  });
  return router;
}
