import 'reflect-metadata';
import { TokenVerifier } from '@parley/auth';
import { openServiceDatabase, type Database } from '@parley/db';
import { EventBus } from '@parley/event-bus';
import { createLogger, type Logger } from '@parley/logger';
import { OutboxRelay, OutboxRepository } from '@parley/outbox';
import { ClientCredentialsTokens, MessagingServerClient } from '@parley/server-sdk';
import {
  checkRedisReachable,
  ConfigError,
  createHttpApp,
  HealthRegistry,
  Lifecycle,
  ServiceMetrics,
} from '@parley/service-kit';
import { Redis } from 'ioredis';
import { AppModule } from '../app.module.js';
import { CallsRepository } from '../calls/calls.repository.js';
import { CallsService } from '../calls/calls.service.js';
import type { WebhookGatewayConfig } from '../config/config.js';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry.js';
import { webhookGatewayMigrations } from '../storage/migrations.js';
import { ProviderEventInbox } from '../webhooks/provider-event-inbox.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';

export interface RunningWebhookGateway {
  url: string;
  port: number;
  db: Database;
  bus: EventBus;
  registry: ProviderRegistry;
  calls: CallsService;
  /** The ordered close (also what SIGTERM runs). */
  close(): Promise<void>;
}

/**
 * Builds and starts the gateway: PostgreSQL (calls, received provider events, the outbox), Redis and the
 * bus, the providers, messaging, then HTTP with the bus handlers and the outbox relay. Closes in the
 * reverse order: HTTP and the bus workers, the relay, Redis and the bus, the database last.
 */
export async function startWebhookGateway(
  config: WebhookGatewayConfig,
  logger: Logger = createLogger({ service: 'webhook-gateway', level: config.process.logLevel }),
  lifecycle: Lifecycle = new Lifecycle(logger),
): Promise<RunningWebhookGateway> {
  await checkRedisReachable(config.redis.url, 'the webhook gateway (its event bus and rate limits)');
  const db = await openServiceDatabase(
    config.database,
    (opened) => webhookGatewayMigrations(opened.schema),
    logger,
  );
  lifecycle.onClose('close-storage', 'database', () => db.close());

  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));
  lifecycle.onClose('close-clients', 'redis', () => redis.quit().catch(() => redis.disconnect()));
  const metrics = new ServiceMetrics('webhook-gateway');
  const bus = new EventBus({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err, context) => logger.warn({ err, context }, 'event bus error'),
  });
  lifecycle.onClose('close-clients', 'event bus', () => bus.close());

  const outbox = new OutboxRepository(db);
  const relay = new OutboxRelay({ outbox, bus, logger, pollIntervalMs: 1_000, metrics });
  lifecycle.onClose('finish-jobs', 'outbox relay', () => relay.stop());

  const registry = createProviderRegistry(config);
  logger.info({ providers: registry.names(), default: config.providers.defaultProvider }, 'providers');
  if (!registry.has(config.providers.defaultProvider))
    throw new ConfigError(
      `Invalid webhook-gateway configuration:\n  DEFAULT_PROVIDER: "${config.providers.defaultProvider}" is not a configured provider (${registry.names().join(', ')})`,
    );

  const tokens = new ClientCredentialsTokens({
    messagingUrl: config.messaging.url,
    clientId: config.messaging.clientId,
    clientSecret: config.messaging.clientSecret,
  });
  const messaging = new MessagingServerClient({ messagingUrl: config.messaging.url, tokens });
  const inbox = new ProviderEventInbox(db, outbox, relay);
  const calls = new CallsService(
    db,
    new CallsRepository(),
    registry,
    messaging,
    inbox,
    outbox,
    relay,
    logger,
    config.providers.defaultProvider,
  );
  const webhooks = new WebhooksService(registry, inbox, config.webhooks.publicUrl, logger, metrics);
  const verifier = TokenVerifier.fromJwksUrl(config.tokens.jwksUrl, {
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
  });

  const health = new HealthRegistry('webhook-gateway')
    .probe('postgres', () => db.ping())
    .probe('redis', () => redis.ping())
    .probe('messaging-token', () => tokens.token());
  const http = await createHttpApp({
    module: AppModule.forRoot({
      config,
      db,
      bus,
      outbox,
      relay,
      registry,
      tokens,
      messaging,
      calls,
      verifier,
      webhooks,
    }),
    http: config.http,
    logger,
    lifecycle,
    health,
    metrics,
    openapi: {
      title: 'Parley webhook gateway',
      version: '1',
      description:
        'Voice and video provider calls in conversations: verified provider webhooks, live call status, joins.',
    },
    authenticate: true,
    rateLimits: { settings: config.rateLimits, redis, prefix: config.redis.prefix },
  });
  relay.start();

  logger.info({ url: http.url }, 'webhook-gateway listening');
  return {
    url: http.url,
    port: http.port,
    db,
    bus,
    registry,
    calls,
    async close() {
      const report = await lifecycle.close(config.process.shutdownTimeoutMs);
      if (!report.completed) logger.warn({ phase: report.timedOutIn }, 'webhook-gateway close timed out');
    },
  };
}
