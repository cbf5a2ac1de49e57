import type { NextFunction, Request, Response } from 'express';
import { HttpMetrics } from './metric-definition.js';
import type { ServiceMetrics } from './service-metrics.js';

/** Requests that matched no route share one label value, so a scan of random paths cannot add series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route template that served a request (`/v1/conversations/:id`), never the raw URL: one series per
 * route, whatever ids the paths carry.
 */
export function routeTemplateOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl}${route.path}` || '/';
}

/** Counts every request and times it, labelled once the response has finished and the route is known. */
export function recordHttpMetrics(metrics: ServiceMetrics) {
  const requests = metrics.counter(HttpMetrics.requests);
  const duration = metrics.histogram(HttpMetrics.requestDuration);
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeTemplateOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
