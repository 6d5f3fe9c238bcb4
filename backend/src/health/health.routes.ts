import { Router } from 'express';
import type { HealthService } from './health.service.ts';

/** `/health`: the process is alive (no dependency is asked). `/ready`: every dependency answers; 503 otherwise. */
export function healthRouter(health: HealthService): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeS: Math.round(process.uptime()) });
  });
  router.get('/ready', async (_req, res) => {
    const readiness = await health.readiness();
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks });
  });
  return router;
}
