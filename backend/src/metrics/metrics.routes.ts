import http from 'node:http';
import { Router } from 'express';
import type { Logger } from '../logger.ts';
import type { Metrics } from './metrics.ts';

/** `GET /metrics` in Prometheus' text format. Not published through nginx: only the monitoring network reaches it. */
export function metricsRouter(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(body);
  });
  return router;
}

/**
 * A worker-only process has no api to hang `/metrics` on, so it answers on its own port
 * (METRICS_PORT); anything else there is a 404.
 */
export async function startMetricsServer(metrics: Metrics, options: { host: string; port: number; logger: Logger }) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err: unknown) => {
        options.logger.error({ err }, 'could not collect metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect metrics\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  options.logger.info({ address: server.address() }, 'worker metrics listening');
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
