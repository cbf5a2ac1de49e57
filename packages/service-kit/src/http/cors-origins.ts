import type { INestApplication } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';

/**
 * Origins a service allows at run time on top of its configured list (for example the pages of the sites
 * registered for a live-chat widget). An app module provides it under CORS_ORIGIN_SOURCE.
 */
export interface CorsOriginSource {
  allows(origin: string): Promise<boolean>;
}

export const CORS_ORIGIN_SOURCE = Symbol('CORS_ORIGIN_SOURCE');

/**
 * The `origin` option for Nest's CORS: '*' as configured, or the configured list first and then, for any
 * other origin, the app's CorsOriginSource when it has one. A failing lookup refuses rather than allows.
 */
export function corsOrigin(configured: '*' | string[], app: INestApplication): CorsOptions['origin'] {
  if (configured === '*') return '*';
  const listed = new Set(configured.map((o) => o.toLowerCase()));
  let source: CorsOriginSource | null | undefined;
  return (origin, callback) => {
    if (!origin || listed.has(origin.toLowerCase())) return callback(null, !!origin);
    source ??= lookUpSource(app);
    if (!source) return callback(null, false);
    source.allows(origin).then(
      (allowed) => callback(null, allowed),
      () => callback(null, false),
    );
  };
}

function lookUpSource(app: INestApplication): CorsOriginSource | null {
  try {
    return app.get<CorsOriginSource>(CORS_ORIGIN_SOURCE, { strict: false });
  } catch {
    return null; // this app has none
  }
}
