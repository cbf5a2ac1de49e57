import { Controller, Get, Inject } from '@nestjs/common';
import { ProviderList } from '@parley/protocol';
import { ZodResponse } from '@parley/service-kit';
import type { WebhookGatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../core/gateway-core.module.js';
import { ProviderRegistry } from './registry.js';

/** What a client may offer when starting a call: only providers this deployment has configured. */
@Controller('v1/providers')
export class ProvidersController {
  constructor(
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
    @Inject(GATEWAY_CONFIG) private readonly config: WebhookGatewayConfig,
  ) {}

  @Get()
  @ZodResponse(200, ProviderList, 'the configured providers and the default one')
  list(): ProviderList {
    return { providers: this.registry.names(), default: this.config.providers.defaultProvider };
  }
}
