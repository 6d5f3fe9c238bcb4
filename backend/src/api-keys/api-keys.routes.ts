import { Router, type RequestHandler } from 'express';
import { idParamsSchema, listApiKeysQuerySchema } from '../contracts/admin.ts';
import { createApiKeyRequestSchema } from '../contracts/auth.ts';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import { parseInput } from '../http/validate.ts';
import type { ApiKeysService } from './api-keys.service.ts';

/** /api/v1/admin/api-keys: admins make, list and revoke keys, their own and other users'. */
export function apiKeysRouter(deps: { apiKeys: ApiKeysService; authenticate: RequestHandler }): Router {
  const { apiKeys } = deps;
  const router = Router();
  router.use(deps.authenticate, requirePermission('admin'));

  router.get('/', (req, res) => {
    res.json(apiKeys.list(parseInput(listApiKeysQuerySchema, req.query, 'query')));
  });

  router.post('/', (req, res) => {
    const body = parseInput(createApiKeyRequestSchema, req.body, 'API key');
    res.set('Cache-Control', 'no-store');
    res.status(201).json(apiKeys.create(body, { actor: principalOf(req), ip: req.ip ?? null }));
  });

  router.delete('/:id', (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params, 'API key id');
    res.json(apiKeys.revoke(id, actorContext(req)));
  });

  return router;
}
