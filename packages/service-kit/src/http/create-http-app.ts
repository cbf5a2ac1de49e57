import 'reflect-metadata';
import { isUtf8 } from 'node:buffer';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JwtAuthGuard } from '@parley/auth';
import { PinoNestLogger, type Logger } from '@parley/logger';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { assertStorableInput } from '../errors/parse-input.js';
import { HEALTH_REGISTRY, HealthController } from '../health/health.controller.js';
import type { HealthRegistry } from '../health/health-registry.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import { mountMetrics } from '../metrics/metrics-route.js';
import { recordHttpMetrics } from '../metrics/http-metrics.js';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { mountApiDocs } from '../openapi/docs-routes.js';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from '../openapi/openapi-document.js';
import { DomainErrorFilter, expressErrorHandler } from './error-filter.js';
import {
  RATE_LIMITS,
  RateLimitGuard,
  rateLimitPolicies,
  RateLimits,
  type RateLimitPolicy,
  type RateLimitSettings,
} from './rate-limits.js';
import { corsOrigin } from './cors-origins.js';
import { requestContext, REQUEST_ID_HEADER } from './request-context.js';

export interface HttpAppOptions {
  /** The service's own Nest module (its controllers and providers). */
  module: Type | DynamicModule;
  http: {
    port: number;
    host: string;
    corsOrigins: '*' | string[];
    bodyLimitBytes: number;
    /** Bearer token for GET /metrics; unset: public. */
    metricsToken?: string;
  };
  logger: Logger;
  lifecycle: Lifecycle;
  health: HealthRegistry;
  openapi: OpenApiInfo;
  /**
   * The service's Prometheus registry, served at `/metrics` and injectable as `ServiceMetrics` in every
   * module. Created here when the service builds nothing before the HTTP app that records metrics.
   */
  metrics?: ServiceMetrics;
  /**
   * Every route needs a valid access token unless marked @Public() (the app module must import
   * AuthModule.forRoot). Off only for services whose HTTP side is public by nature.
   */
  authenticate: boolean;
  /** Counters shared by all nodes (without Redis each process counts alone); extra policies by name. */
  rateLimits: {
    settings: RateLimitSettings;
    redis?: Redis;
    prefix: string;
    policies?: Record<string, RateLimitPolicy>;
  };
}

export interface HttpApp {
  app: NestExpressApplication;
  server: Server;
  port: number;
  /** http://127.0.0.1:<port>, for logs and tests. */
  url: string;
  metrics: ServiceMetrics;
  openApiDocument(): OpenApiDocument;
}

/** A body-parser check: bytes that are not UTF-8 are refused, not silently turned into U+FFFD. */
function verifyUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  if (buf.length > 0 && !isUtf8(buf)) {
    throw Object.assign(new Error('request body is not valid UTF-8'), {
      type: 'encoding.invalid',
      status: 400,
    });
  }
}

/** Body (and query) values that break the protocol's input rules never reach a handler. */
function storableInput(req: Request, _res: Response, next: NextFunction): void {
  try {
    if (req.body !== undefined) assertStorableInput(req.body, 'body');
    assertStorableInput(req.query, 'query');
    next();
  } catch (err) {
    next(err);
  }
}

/**
 * The HTTP side of a service, the same in every app: the one error filter, body limits and UTF-8 checks,
 * security headers (helmet), a CORS allowlist, a request id per request in every log line and in
 * `x-request-id`, authentication by default, rate limits, `/health/live` and `/health/ready`, and the
 * OpenAPI document at `/openapi.json` with Swagger UI at `/docs`, Prometheus metrics at `/metrics`. The server stops accepting at the
 * first close phase; the app's Nest hooks run when streams end.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const limits = new RateLimits(
    { ...rateLimitPolicies(options.rateLimits.settings), ...options.rateLimits.policies },
    options.rateLimits.redis,
    options.rateLimits.prefix,
  );

  const metrics = options.metrics ?? new ServiceMetrics(options.health.service);

  @Module({})
  class HttpKitModule {}

  // Global, so the module where a thing happens can register and move its own metrics.
  @Global()
  @Module({ providers: [{ provide: ServiceMetrics, useValue: metrics }], exports: [ServiceMetrics] })
  class MetricsModule {}

  const root: DynamicModule = {
    module: HttpKitModule,
    imports: [MetricsModule, options.module],
    controllers: [HealthController],
    // Order matters: the caller is authenticated before anything is counted per user.
    providers: [
      { provide: HEALTH_REGISTRY, useValue: options.health },
      { provide: RATE_LIMITS, useValue: limits },
      ...(options.authenticate ? [{ provide: APP_GUARD, useExisting: JwtAuthGuard }] : []),
      RateLimitGuard,
      { provide: APP_GUARD, useExisting: RateLimitGuard },
    ],
  };

  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: new PinoNestLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
  });
  const express = app.getHttpAdapter().getInstance();
  app.disable('x-powered-by');
  // No ETag on API answers: nothing asks with If-None-Match, and hashing every body (a 500-event page is
  // ~300 KB) costs CPU on each response.
  app.set('etag', false);
  // Behind one reverse proxy (docker-compose, Kubernetes ingress): the client address is the proxy's view.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(requestContext(options.logger));
  app.use(recordHttpMetrics(metrics));
  app.use(
    helmet({
      // An API answers JSON; the only HTML is /docs, whose scripts are files of this origin.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  app.enableCors({
    origin: corsOrigin(options.http.corsOrigins, app),
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
    maxAge: 600,
  });
  app.use(json({ limit: options.http.bodyLimitBytes, verify: verifyUtf8 }));
  app.use(urlencoded({ limit: options.http.bodyLimitBytes, extended: false, verify: verifyUtf8 }));
  app.use(storableInput);
  app.useGlobalFilters(new DomainErrorFilter(options.logger));

  let document: OpenApiDocument | undefined;
  const openApiDocument = () => (document ??= buildOpenApiDocument(app, options.openapi));
  mountApiDocs(express, openApiDocument);
  mountMetrics(express, metrics, options.http.metricsToken);

  await app.init();
  // Failures before Nest routes run (bad JSON, oversize or non-UTF-8 bodies) in the same ErrorBody.
  app.use(expressErrorHandler(options.logger));
  await app.listen(options.http.port, options.http.host);

  const server = app.getHttpServer() as Server;
  const port = (server.address() as AddressInfo).port;
  let serverClosed: Promise<void> | undefined;
  options.lifecycle.onClose('stop-accepting', 'http server', () => {
    options.health.markClosing();
    serverClosed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  });
  options.lifecycle.onClose('end-streams', 'http app', async () => {
    // Nest's shutdown hooks (providers closing their own streams), then the requests still in flight.
    await app.close();
    await serverClosed;
  });
  options.lifecycle.onClose('close-clients', 'http connections', () => server.closeAllConnections());
  return { app, server, port, url: `http://127.0.0.1:${port}`, metrics, openApiDocument };
}
