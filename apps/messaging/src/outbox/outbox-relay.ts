import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { ServiceMetrics } from '@parley/service-kit';
import { OutboxRelay as TransactionalOutboxRelay, OutboxRepository } from '@parley/outbox';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { EVENT_BUS, LOGGER } from '../infrastructure/tokens.js';

/**
 * Messaging's relay of committed outbox rows to the event bus (see @parley/outbox): started once the app is
 * up, stopped at shutdown after the publish in progress, before the database closes.
 */
@Injectable()
export class OutboxRelay
  extends TransactionalOutboxRelay
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  constructor(
    @Inject(OutboxRepository) outbox: OutboxRepository,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(LOGGER) logger: Logger,
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
  ) {
    super({ outbox, bus, logger, pollIntervalMs: config.outbox.pollIntervalMs, metrics });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
