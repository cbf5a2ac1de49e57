import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@parley/db';
import { EventBus } from '@parley/event-bus';
import { OutboxRelay, OutboxRepository } from '@parley/outbox';
import { ClientCredentialsTokens, MessagingServerClient } from '@parley/server-sdk';
import { CallsService } from '../calls/calls.service.js';
import type { WebhookGatewayConfig } from '../config/config.js';
import { ProviderRegistry } from '../providers/registry.js';

/** Injection tokens of the parts that are not classes. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const GATEWAY_DATABASE = Symbol('GATEWAY_DATABASE');

/** The parts bootstrap/create-app.ts builds; every module of the gateway may use them. */
export interface GatewayCore {
  config: WebhookGatewayConfig;
  db: Database;
  bus: EventBus;
  outbox: OutboxRepository;
  relay: OutboxRelay;
  registry: ProviderRegistry;
  tokens: ClientCredentialsTokens;
  messaging: MessagingServerClient;
  calls: CallsService;
}

/**
 * The gateway's shared parts as global providers, so a feature module (video invites, push) injects
 * `CallsService`, `ProviderRegistry`, `MessagingServerClient`, `EventBus`, `OutboxRepository`, `OutboxRelay`,
 * `@Inject(GATEWAY_CONFIG)` and `@Inject(GATEWAY_DATABASE)` without importing anything but its own code.
 */
@Global()
@Module({})
export class GatewayCoreModule {
  static forRoot(core: GatewayCore): DynamicModule {
    const providers = [
      { provide: GATEWAY_CONFIG, useValue: core.config },
      { provide: GATEWAY_DATABASE, useValue: core.db },
      { provide: EventBus, useValue: core.bus },
      { provide: OutboxRepository, useValue: core.outbox },
      { provide: OutboxRelay, useValue: core.relay },
      { provide: ProviderRegistry, useValue: core.registry },
      { provide: ClientCredentialsTokens, useValue: core.tokens },
      { provide: MessagingServerClient, useValue: core.messaging },
      { provide: CallsService, useValue: core.calls },
    ];
    return { module: GatewayCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
