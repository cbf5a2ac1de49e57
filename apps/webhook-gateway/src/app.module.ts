import { Module, type DynamicModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthModule, type TokenVerifier } from '@parley/auth';
import { ConsumerGroups, DelayedJobs, EventBusModule, Topics } from '@parley/event-bus';
import { DeadLettersController } from './admin/dead-letters.controller.js';
import { ProvidersController } from './providers/providers.controller.js';
import { CallsController } from './calls/calls.controller.js';
import { ProviderEventConsumer } from './calls/provider-event.consumer.js';
import { GatewayCoreModule, type GatewayCore } from './core/gateway-core.module.js';
import {
  OutgoingWebhooksModule,
  outgoingWebhooksConsumerGroup,
  outgoingWebhooksDelayedJob,
} from './outgoing-webhooks/outgoing-webhooks.module.js';
import { VideoModule } from './video/video.module.js';
import { captureRawWebhookBody } from './webhooks/raw-webhook-body.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

export interface AppParts extends GatewayCore {
  verifier: TokenVerifier;
  webhooks: WebhooksService;
}

const RAW_WEBHOOK_BODY = Symbol('RAW_WEBHOOK_BODY');

/**
 * The gateway's HTTP routes and bus handlers. The parts are built in bootstrap/create-app.ts (see
 * docs/adr/0002-service-composition.md); Nest only routes to them.
 */
@Module({})
export class AppModule {
  static forRoot(parts: AppParts): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthModule.forRoot(parts.verifier),
        GatewayCoreModule.forRoot(parts),
        VideoModule,
        OutgoingWebhooksModule,
        EventBusModule.forRoot({
          bus: parts.bus,
          consumerGroups: [
            {
              group: ConsumerGroups.webhookGateway,
              topics: [Topics.providerEvent],
              concurrency: 4,
              attempts: 8,
              backoffDelayMs: 500,
            },
            outgoingWebhooksConsumerGroup,
          ],
          // Handled by the video module's InviteRingConsumer and the outgoing webhooks' consumer.
          delayedJobs: { names: [DelayedJobs.inviteRing, outgoingWebhooksDelayedJob], concurrency: 4 },
        }),
      ],
      controllers: [WebhooksController, CallsController, DeadLettersController, ProvidersController],
      providers: [
        { provide: WebhooksService, useValue: parts.webhooks },
        ProviderEventConsumer,
        {
          // Express middleware in front of the kit's body parsers, which createHttpApp installs after Nest
          // has built the providers: registering it here is the one point that comes before them.
          provide: RAW_WEBHOOK_BODY,
          inject: [HttpAdapterHost],
          useFactory: (host: HttpAdapterHost) => {
            host.httpAdapter
              .getInstance()
              .use(captureRawWebhookBody(parts.registry, parts.config.webhooks.bodyLimitBytes));
            return true;
          },
        },
      ],
    };
  }
}
