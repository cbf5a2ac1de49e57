import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { runMigrations, type Database } from '@parley/db';
import { ConsumerGroups, DelayedJobs, EventBus, type ConsumerGroupDeclaration } from '@parley/event-bus';
import { createLogger, type Logger } from '@parley/logger';
import { createOutboundFetch, OutboundTargets, ServiceMetrics } from '@parley/service-kit';
import { Redis } from 'ioredis';
import type { WebhookGatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG, GATEWAY_DATABASE } from '../core/gateway-core.module.js';
import { outgoingWebhookSourceTopics } from './delivery-rules.js';
import { EndpointConcurrency } from './endpoint-concurrency.js';
import { OutgoingWebhooksConsumer } from './outgoing-webhooks.consumer.js';
import { OutgoingWebhooksController } from './outgoing-webhooks.controller.js';
import { outgoingWebhooksMigrations } from './outgoing-webhooks-migrations.js';
import { OutgoingWebhooksRepository } from './outgoing-webhooks.repository.js';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';
import { SecretBox } from './secret-box.js';
import { postWebhook } from './webhook-sender.js';

/** The consumer group of this module, as AppModule declares it with the app's bus. */
export const outgoingWebhooksConsumerGroup: ConsumerGroupDeclaration = {
  group: ConsumerGroups.outgoingWebhooks,
  topics: outgoingWebhookSourceTopics,
  concurrency: 4,
  attempts: 8,
  backoffDelayMs: 500,
};

/** The delayed job this module handles (one attempt of one delivery). */
export const outgoingWebhooksDelayedJob = DelayedJobs.webhookDelivery;

const OUTGOING_WEBHOOKS_LOGGER = Symbol('OUTGOING_WEBHOOKS_LOGGER');

/** Creates the module's tables (versions 200–299) before any route or job runs. */
@Injectable()
class OutgoingWebhooksTables implements OnModuleInit {
  constructor(
    @Inject(GATEWAY_DATABASE) private readonly db: Database,
    @Inject(OUTGOING_WEBHOOKS_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { applied } = await runMigrations(this.db, outgoingWebhooksMigrations);
    if (applied.length > 0) this.logger.info({ applied }, 'outgoing webhook tables ready');
  }
}

/** The Redis connection of the in-flight counters, closed after the bus workers have stopped. */
@Injectable()
class ConcurrencyRedis implements OnApplicationShutdown {
  readonly redis: Redis;

  constructor(
    @Inject(GATEWAY_CONFIG) config: WebhookGatewayConfig,
    @Inject(OUTGOING_WEBHOOKS_LOGGER) logger: Logger,
  ) {
    this.redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
    this.redis.on('error', (err) => logger.warn({ err }, 'redis error (webhook concurrency)'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Outgoing webhooks (Standard Webhooks) to machine clients' endpoints: the endpoints' REST routes, the
 * `outgoing-webhooks` consumer group making deliveries of bus events, and the `webhook.delivery.v1` job
 * making each attempt. Owns the `webhook_endpoints`, `webhook_deliveries` and `webhook_delivery_attempts`
 * tables.
 */
@Module({
  controllers: [OutgoingWebhooksController],
  providers: [
    {
      provide: OUTGOING_WEBHOOKS_LOGGER,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: WebhookGatewayConfig): Logger =>
        createLogger({ service: 'webhook-gateway', level: config.process.logLevel }).child({
          module: 'outgoing-webhooks',
        }),
    },
    OutgoingWebhooksTables,
    ConcurrencyRedis,
    {
      provide: OutgoingWebhooksService,
      inject: [
        GATEWAY_DATABASE,
        EventBus,
        ConcurrencyRedis,
        GATEWAY_CONFIG,
        OUTGOING_WEBHOOKS_LOGGER,
        ServiceMetrics,
      ],
      useFactory: (
        db: Database,
        bus: EventBus,
        redis: ConcurrencyRedis,
        config: WebhookGatewayConfig,
        logger: Logger,
        metrics: ServiceMetrics,
      ) => {
        if (!config.outgoingWebhooks.secretsKey)
          logger.warn(
            'OUTGOING_WEBHOOK_SECRETS_KEY is unset: webhook signing secrets are stored unencrypted',
          );
        const targets = new OutboundTargets(config.outbound.allowedInternal);
        const outboundFetch = createOutboundFetch(targets);
        return new OutgoingWebhooksService(
          db,
          new OutgoingWebhooksRepository(),
          bus,
          // A lease outlives the longest request, so only a dead replica's leases ever expire.
          new EndpointConcurrency(
            redis.redis,
            config.redis.prefix,
            config.outgoingWebhooks.timeoutMs + 5_000,
          ),
          (url, headers, body, timeoutMs) => postWebhook(outboundFetch, url, headers, body, timeoutMs),
          targets,
          new SecretBox(config.outgoingWebhooks.secretsKey),
          config.outgoingWebhooks,
          logger,
          metrics,
        );
      },
    },
    OutgoingWebhooksConsumer,
  ],
})
export class OutgoingWebhooksModule {}
