import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { ServiceMetrics } from './service-metrics.js';

export const METRICS_PATH = '/metrics';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerMatches(req: Request, token: string): boolean {
  const header = req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  // Equal-length digests, so the comparison takes the same time whatever the caller sent.
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * `GET /metrics` in Prometheus' text format. Mounted on Express itself, like /openapi.json: it is not an
 * API route, so it is neither in the OpenAPI document nor behind user authentication. With `token` set the
 * scraper must send it as a bearer token (the page names routes and load, which an outsider need not see).
 */
export function mountMetrics(server: Express, metrics: ServiceMetrics, token?: string): void {
  server.get(METRICS_PATH, async (req, res, next) => {
    if (token !== undefined && !bearerMatches(req, token)) {
      res.status(401).setHeader('www-authenticate', 'Bearer realm="metrics"').json({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'metrics need the METRICS_TOKEN bearer token',
        code: 'unauthenticated',
      });
      return;
    }
    try {
      const { contentType, body } = await metrics.exposition();
      res.setHeader('cache-control', 'no-store');
      res.type(contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
}
