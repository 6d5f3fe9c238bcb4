import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { adminRouter } from './admin/admin.routes.ts';
import { securityRouter } from './auth/security.ts';
import { chatRouter } from './chat/chat.routes.ts';
import { collectionsRouter } from './collections/collections.routes.ts';
import { documentsRouter } from './documents/documents.routes.ts';
import { uploadMiddleware } from './documents/upload.ts';
import { healthRouter } from './health/health.routes.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { rejectPrototypeKeys } from './http/json-guard.ts';
import { requestContext } from './http/request-context.ts';
import { cors, securityHeaders } from './http/security-headers.ts';
import { scoped } from './logger.ts';
import { httpMetrics } from './metrics/http-metrics.ts';
import { metricsRouter } from './metrics/metrics.routes.ts';
import type { Services } from './services.ts';

/** The Express app: routes over the services, one error middleware at the end. */
export function createApp(services: Services): express.Express {
  const { config, logger, security } = services;
  const httpLog = scoped(logger, 'http');
  const { authenticate } = security.authenticator;
  const app = express();
  app.disable('x-powered-by');
  // Only the reverse proxy's X-Forwarded-For counts, so rate limits see the real client address.
  app.set('trust proxy', config.http.trustProxy);
  app.set('query parser', 'simple');
  // JSON answers carry user-chosen text (file names); <, > and & go out as \u003c etc., never as markup.
  app.set('json escape', true);
  app.use(requestContext(httpLog));
  app.use(httpMetrics(services.metrics));
  app.use(securityHeaders());
  app.use(healthRouter(services.health));
  app.use(metricsRouter(services.metrics));

  const api = express.Router();
  api.use(cors(config.http.allowedOrigins));
  api.use(express.json({ limit: '64kb', strict: true }), rejectPrototypeKeys);
  api.use(securityRouter(security, { listModels: () => services.llm.models() }));
  api.use('/documents', documentsRouter({ service: services.documentsService, fileLinks: services.fileLinks, upload: uploadMiddleware(config, services.files), authenticate }));
  api.use('/collections', collectionsRouter({ collections: services.collectionsService, authenticate }));
  api.use('/admin', adminRouter(services, authenticate));
  api.use(chatRouter({ config, chat: services.chat, conversations: services.conversationsService, feedback: services.feedback, authenticate, limits: security.limits }));
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
