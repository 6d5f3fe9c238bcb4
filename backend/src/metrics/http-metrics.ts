import type { Request, RequestHandler } from 'express';
import { secondsSince, statusClass, type Metrics } from './metrics.ts';

/**
 * Counts and times every HTTP request by its route template (`/api/v1/documents/:id`), never by
 * its raw path: a request that matched no route is `unmatched`, so ids and probes of bad paths
 * cannot grow the number of series.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const route = captureRoute(req);
    res.once('close', () => {
      const labels = { route: route.template, method: methodLabel(req.method), status_class: statusClass(res.statusCode) };
      metrics.http.requests.inc(labels);
      metrics.http.duration.observe(labels, secondsSince(started));
    });
    next();
  };
}

/**
 * The router sets `req.route` when a route matches; its mount path is on `req.baseUrl` only
 * until the request leaves that router (an error handed to `next` does), so the template is
 * taken at that moment. Mount paths are lower-case and matched without regard to case, so the
 * mount path is lower-cased: `/API/V1/...` is the same route.
 */
function captureRoute(req: Request): { template: string } {
  const captured = { template: 'unmatched' };
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (!value) return;
      const path = value.path;
      captured.template = typeof path === 'string' ? `${req.baseUrl.toLowerCase()}${path === '/' && req.baseUrl ? '' : path}` : 'web';
    },
  });
  return captured;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}
