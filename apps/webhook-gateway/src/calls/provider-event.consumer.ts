import { Inject, Injectable } from '@nestjs/common';
import {
  ConsumerGroups,
  EventConsumer,
  OnTopic,
  Topics,
  UnrecoverableError,
  type BusEvent,
} from '@parley/event-bus';
import { ProviderRegistry } from '../providers/registry.js';
import { CallsService } from './calls.service.js';

/** Stored provider events, applied to their calls (replicas share the group, each event is applied once). */
@Injectable()
@EventConsumer(ConsumerGroups.webhookGateway)
export class ProviderEventConsumer {
  constructor(
    @Inject(CallsService) private readonly calls: CallsService,
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
  ) {}

  @OnTopic(Topics.providerEvent)
  async applyProviderEvent(event: BusEvent<typeof Topics.providerEvent>): Promise<void> {
    // Retrying cannot help an event of a provider this deployment does not run: straight to the dead
    // letters, where it waits to be replayed once the provider is configured again.
    if (!this.registry.has(event.payload.provider))
      throw new UnrecoverableError(`provider "${event.payload.provider}" is not configured here`);
    await this.calls.applyProviderEvent(event.payload);
  }
}
