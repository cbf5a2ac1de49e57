import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { runMigrations, type Database } from '@parley/db';
import { EventBus } from '@parley/event-bus';
import { createLogger, type Logger } from '@parley/logger';
import { createOutboundFetch, OutboundTargets } from '@parley/service-kit';
import { MessagingServerClient } from '@parley/server-sdk';
import { CallsService } from '../calls/calls.service.js';
import type { WebhookGatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG, GATEWAY_DATABASE } from '../core/gateway-core.module.js';
import { ProviderRegistry } from '../providers/registry.js';
import { pushMigrations } from '../push/push-migrations.js';
import { PushSubscriptionsRepository } from '../push/push-subscriptions.repository.js';
import { PushController } from '../push/push.controller.js';
import { PushService } from '../push/push.service.js';
import { resolveVapidKeys } from '../push/vapid-keys.js';
import { WebPushSender } from '../push/web-push-sender.js';
import { InviteRingConsumer } from './invite-ring.consumer.js';
import { VideoAccessService } from './video-access.service.js';
import { VideoController } from './video.controller.js';
import { VideoInvitesRepository } from './video-invites.repository.js';
import { VideoInvitesService } from './video-invites.service.js';
import { videoMigrations } from './video-migrations.js';

const VIDEO_LOGGER = Symbol('VIDEO_LOGGER');

/** Creates the module's tables (versions 100 and up, next to the core's) before any route or job runs. */
@Injectable()
class VideoTables implements OnModuleInit {
  constructor(
    @Inject(GATEWAY_DATABASE) private readonly db: Database,
    @Inject(VIDEO_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { applied } = await runMigrations(this.db, [...pushMigrations, ...videoMigrations]);
    if (applied.length > 0) this.logger.info({ applied }, 'video and push tables ready');
  }
}

/**
 * Video calls rung as invites, and Web Push for the calls a callee missed. Uses the gateway core's parts
 * (calls, providers, messaging, bus, database) and owns the `push_subscriptions` and `video_invites` tables
 * and handles the `invite.ring.v1` jobs (declared with the app's bus in AppModule).
 */
@Module({
  controllers: [VideoController, PushController],
  providers: [
    {
      provide: VIDEO_LOGGER,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: WebhookGatewayConfig): Logger =>
        createLogger({ service: 'webhook-gateway', level: config.process.logLevel }).child({
          module: 'video',
        }),
    },
    VideoTables,
    {
      provide: PushService,
      inject: [GATEWAY_DATABASE, GATEWAY_CONFIG, VIDEO_LOGGER],
      useFactory: async (db: Database, config: WebhookGatewayConfig, logger: Logger) => {
        const { keys, source } = await resolveVapidKeys(config.push);
        if (source === 'generated')
          logger.warn(
            { keyFile: config.push.keyFile },
            'generated a VAPID key pair and kept it in the key file; set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY in production',
          );
        else logger.info({ source }, 'VAPID keys loaded');
        const targets = new OutboundTargets(config.outbound.allowedInternal);
        const sender = new WebPushSender(
          { ...keys, subject: config.push.subject },
          config.push.ttlSeconds,
          createOutboundFetch(targets),
        );
        return new PushService(
          db,
          new PushSubscriptionsRepository(),
          sender,
          keys.publicKey,
          logger,
          targets,
        );
      },
    },
    {
      provide: VideoAccessService,
      inject: [ProviderRegistry, MessagingServerClient, GATEWAY_CONFIG],
      useFactory: (
        registry: ProviderRegistry,
        messaging: MessagingServerClient,
        config: WebhookGatewayConfig,
      ) =>
        new VideoAccessService(
          registry,
          messaging,
          config.providers.defaultProvider,
          config.video.tokenTtlSeconds,
        ),
    },
    {
      provide: VideoInvitesService,
      inject: [
        GATEWAY_DATABASE,
        CallsService,
        MessagingServerClient,
        EventBus,
        PushService,
        GATEWAY_CONFIG,
        VIDEO_LOGGER,
      ],
      useFactory: (
        db: Database,
        calls: CallsService,
        messaging: MessagingServerClient,
        bus: EventBus,
        push: PushService,
        config: WebhookGatewayConfig,
        logger: Logger,
      ) => {
        const invites = new VideoInvitesService(
          db,
          new VideoInvitesRepository(),
          calls,
          messaging,
          bus,
          push,
          config.video,
          logger,
        );
        calls.onParticipantJoined((call, identity) => invites.answerWhenCalleeJoins(call, identity));
        return invites;
      },
    },
    InviteRingConsumer,
  ],
})
export class VideoModule {}
