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
    let route: string | undefined;
    // Read while the matched router still has its mount path on req.baseUrl.
    res.once('close', () => {
      route ??= routeTemplate(req);
      const labels = { route, method: methodLabel(req.method), status_class: statusClass(res.statusCode) };
      metrics.http.requests.inc(labels);
      metrics.http.duration.observe(labels, secondsSince(started));
    });
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      route ??= routeTemplate(req);
      return end(...args);
    }) as typeof res.end;
    next();
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return req.route ? 'web' : 'unmatched';
  return `${req.baseUrl}${path === '/' && req.baseUrl ? '' : path}`;
}
