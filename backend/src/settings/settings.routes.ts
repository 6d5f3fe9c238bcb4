import { Router, type RequestHandler } from 'express';
import type { AuditLog } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import { updateSettingsRequestSchema } from '../contracts/admin.ts';
import { parseInput } from '../http/validate.ts';
import type { ListModels, SettingsStore } from './settings.store.ts';

export interface SettingsRouterDeps {
  settings: SettingsStore;
  audit: AuditLog;
  authenticate: RequestHandler;
  /** The models Ollama has, with their capabilities: the only ones a setting may name, each for a job it can do. */
  listModels: ListModels;
}

/** /api/v1/admin/settings: read and change the run-time settings. Admins only. */
export function settingsRouter(deps: SettingsRouterDeps): Router {
  const { settings, audit } = deps;
  const router = Router();
  router.use(deps.authenticate, requirePermission('admin'));

  router.get('/', (_req, res) => {
    res.json(settings.get());
  });

  router.put('/', async (req, res) => {
    const patch = parseInput(updateSettingsRequestSchema, req.body, 'settings');
    const { settings: updated, changed } = await settings.update(patch, { listModels: deps.listModels, updatedBy: principalOf(req).userId });
    // The system prompt can be long: the log keeps its length, not its text.
    const values = Object.fromEntries(changed.map((k) => [k, k === 'systemPrompt' ? `${updated.systemPrompt.length} characters` : updated[k]]));
    if (changed.length > 0) audit.record({ ...actorContext(req), action: 'settings.updated', details: { changed: values } });
    res.json(updated);
  });

  return router;
}
