import { Router, type RequestHandler } from 'express';
import type { AuditLog } from '../audit/audit.service.ts';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext, principalOf } from '../auth/principal.ts';
import type { SettingsStore } from './settings.store.ts';

export interface SettingsRouterDeps {
  settings: SettingsStore;
  audit: AuditLog;
  authenticate: RequestHandler;
  /** Names of the models Ollama has (its /api/tags): the only ones a setting may name. */
  listModels: () => Promise<readonly string[]>;
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
    const { settings: updated, changed } = await settings.update(req.body, { listModels: deps.listModels, updatedBy: principalOf(req).userId });
    // The system prompt can be long: the log keeps its length, not its text.
    const values = Object.fromEntries(changed.map((k) => [k, k === 'systemPrompt' ? `${updated.systemPrompt.length} characters` : updated[k]]));
    if (changed.length > 0) audit.record({ ...actorContext(req), action: 'settings.updated', details: { changed: values } });
    res.json(updated);
  });

  return router;
}
