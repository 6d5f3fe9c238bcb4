import { Router, type RequestHandler } from 'express';
import { auditQuerySchema } from '../contracts/admin.ts';
import { requirePermission } from '../auth/permissions.ts';
import { parseInput } from '../http/validate.ts';
import type { AuditLog } from './audit.service.ts';

/** /api/v1/admin/audit?limit&offset&action&actorId&from&to: the audit log, newest first. Admins only. */
export function auditRouter(deps: { audit: AuditLog; authenticate: RequestHandler }): Router {
  const router = Router();
  router.use(deps.authenticate, requirePermission('admin'));

  router.get('/', (req, res) => {
    const { limit, offset, ...filter } = parseInput(auditQuerySchema, req.query, 'query');
    res.json(deps.audit.list(limit, offset, filter));
  });

  router.get('/actions', (_req, res) => {
    res.json({ items: deps.audit.actions() });
  });

  return router;
}
