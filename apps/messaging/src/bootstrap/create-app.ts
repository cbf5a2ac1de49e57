import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, type Logger } from '@parley/logger';
import { createHttpApp, HealthRegistry, Lifecycle, type OpenApiDocument } from '@parley/service-kit';
import { AppModule } from '../app.module.js';
import type { MessagingConfig } from '../config/config.js';
import { buildInfrastructure, type MessagingInfrastructure } from '../infrastructure/infrastructure.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';

export interface RunningMessaging {
  app: NestExpressApplication;
  infra: MessagingInfrastructure;
  url: string;
  port: number;
  outbox: OutboxRelay;
  openApiDocument(): OpenApiDocument;
  /** The ordered close (also what SIGTERM runs): sockets end with 1001, then Redis, then the database. */
  close(): Promise<void>;
}

/** Builds, wires and starts the service; used by main.ts, the tests and the benchmarks alike. */
export async function startMessaging(
  config: MessagingConfig,
  logger: Logger = createLogger({ service: 'messaging', level: config.process.logLevel }),
  lifecycle: Lifecycle = new Lifecycle(logger),
): Promise<RunningMessaging> {
  const infra = await buildInfrastructure(config, logger, lifecycle);
  const health = new HealthRegistry('messaging')
    .probe('postgres', () => infra.db.ping())
    .probe('redis', () => infra.bus.ping());
  const http = await createHttpApp({
    module: AppModule.forRoot(infra),
    http: config.http,
    logger,
    lifecycle,
    health,
    openapi: {
      title: 'Parley messaging',
      version: '1',
      description: 'Identity and tokens, conversations, messages, the event log and sync.',
    },
    metrics: infra.metrics,
    authenticate: true,
    rateLimits: { settings: config.rateLimits, redis: infra.redis, prefix: config.redis.prefix },
  });
  const outboxRows = http.app.get(OutboxRepository);
  health.detail('pendingOutbox', () => outboxRows.pendingCount());
  health.detail('connectedDevices', () => http.app.get(RealtimeGateway).connectedDevices);
  logger.info({ url: http.url, port: http.port }, 'messaging listening');
  return {
    app: http.app,
    infra,
    url: http.url,
    port: http.port,
    outbox: http.app.get(OutboxRelay),
    openApiDocument: http.openApiDocument,
    async close() {
      const report = await lifecycle.close(config.process.shutdownTimeoutMs);
      if (!report.completed) logger.warn({ phase: report.timedOutIn }, 'messaging close timed out');
    },
  };
}
