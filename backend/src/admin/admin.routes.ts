import fs from 'node:fs';
import { Router, type RequestHandler } from 'express';
import { requirePermission } from '../auth/permissions.ts';
import { actorContext } from '../auth/principal.ts';
import type { ModelsDto, ReindexResultDto, SystemStatusDto } from '../contracts/admin.ts';
import type { Services } from '../services.ts';

/** /api/v1/admin: system status, Ollama's models, and re-indexing after a model change. Admins only. */
export function adminRouter(services: Services, authenticate: RequestHandler): Router {
  const router = Router();
  router.use(authenticate, requirePermission('admin'));

  router.get('/status', async (_req, res) => {
    const [readiness, queue] = await Promise.all([services.health.readiness(), services.queue.depth()]);
    const body: SystemStatusDto = {
      ready: readiness.ready,
      checks: { ...readiness.checks, storage: storageCheck(services.config.paths.dataDir) },
      queue: { waiting: queue.waiting ?? 0, active: queue.active ?? 0, delayed: queue.delayed ?? 0, failed: queue.failed ?? 0 },
      grafanaUrl: services.config.grafanaUrl,
    };
    res.json(body);
  });

  router.get('/models', async (_req, res) => {
    const body: ModelsDto = { models: await services.llm.models() };
    res.json(body);
  });

  // After the embedding model or chunking changes, every document is ingested again, by a job.
  router.post('/reindex', async (req, res) => {
    const body: ReindexResultDto = { queued: await services.documentsService.reindexAll(actorContext(req)) };
    res.status(202).json(body);
  });

  return router;
}

/** Free space where documents and the database live; short of 1 GiB or 5 % counts as a problem. */
function storageCheck(dir: string): SystemStatusDto['checks']['storage'] {
  const started = performance.now();
  try {
    const s = fs.statfsSync(dir);
    const free = s.bavail * s.bsize;
    const total = s.blocks * s.bsize;
    const ok = free > 1024 ** 3 && free / total > 0.05;
    const details = { freeBytes: free, totalBytes: total };
    const latencyMs = Math.round(performance.now() - started);
    return ok ? { ok, latencyMs, details } : { ok, latencyMs, details, error: `only ${(free / 1024 ** 3).toFixed(1)} GiB free` };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}
