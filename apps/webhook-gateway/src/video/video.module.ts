import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { runMigrations, type Database } from '@parley/db';
import { EventBus } from '@parley/event-bus';
import { createLogger, type Logger } from '@parley/logger';
import { defineConfig } from '@parley/service-kit';
import { CallsService } from '../calls/calls.service.js';
import type { WebhookGatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG, GATEWAY_DATABASE } from '../core/gateway-core.module.js';
import { MessagingServerClient } from '@parley/server-sdk';
import { ProviderRegistry } from '../providers/registry.js';
import { webPushSection, type WebPushConfig } from '../push/push-config.js';
import { pushMigrations } from '../push/push-migrations.js';
import { PushSubscriptionsRepository } from '../push/push-subscriptions.repository.js';
import { PushController } from '../push/push.controller.js';
import { PushService } from '../push/push.service.js';
import { resolveVapidKeys } from '../push/vapid-keys.js';
import { WebPushSender } from '../push/web-push-sender.js';
import { InviteRingRunner } from './invite-ring.runner.js';
import { videoInvitesSection, type VideoInvitesConfig } from './video-config.js';
import { VideoAccessService } from './video-access.service.js';
import { VideoController } from './video.controller.js';
import { VideoInvitesRepository } from './video-invites.repository.js';
import { VideoInvitesService } from './video-invites.service.js';
import { videoMigrations } from './video-migrations.js';

/** The module's own variables, read with the same checks when the app's config does not carry them. */
const videoAndPushConfig = defineConfig('webhook-gateway', {
  video: videoInvitesSection,
  push: webPushSection,
});

export interface VideoAndPushSettings {
  video: VideoInvitesConfig;
  push: WebPushConfig;
}

function settingsOf(config: WebhookGatewayConfig): VideoAndPushSettings {
  const carried = config as Partial<VideoAndPushSettings>;
  if (carried.video && carried.push) return { video: carried.video, push: carried.push };
  return videoAndPushConfig.load(process.env);
}

const VIDEO_SETTINGS = Symbol('VIDEO_SETTINGS');
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
 * and the `invite.ring.v1` jobs.
 */
@Module({
  controllers: [VideoController, PushController],
  providers: [
    {
      provide: VIDEO_SETTINGS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: WebhookGatewayConfig) => settingsOf(config),
    },
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
      inject: [GATEWAY_DATABASE, VIDEO_SETTINGS, VIDEO_LOGGER],
      useFactory: async (db: Database, settings: VideoAndPushSettings, logger: Logger) => {
        const { keys, source } = await resolveVapidKeys(settings.push);
        if (source === 'generated')
          logger.warn(
            { keyFile: settings.push.keyFile },
            'generated a VAPID key pair and kept it in the key file; set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY in production',
          );
        else logger.info({ source }, 'VAPID keys loaded');
        const sender = new WebPushSender(
          { ...keys, subject: settings.push.subject },
          settings.push.ttlSeconds,
        );
        return new PushService(db, new PushSubscriptionsRepository(), sender, keys.publicKey, logger);
      },
    },
    {
      provide: VideoAccessService,
      inject: [ProviderRegistry, MessagingServerClient, GATEWAY_CONFIG, VIDEO_SETTINGS],
      useFactory: (
        registry: ProviderRegistry,
        messaging: MessagingServerClient,
        config: WebhookGatewayConfig,
        settings: VideoAndPushSettings,
      ) =>
        new VideoAccessService(
          registry,
          messaging,
          config.providers.defaultProvider,
          settings.video.tokenTtlSeconds,
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
        VIDEO_SETTINGS,
        VIDEO_LOGGER,
      ],
      useFactory: (
        db: Database,
        calls: CallsService,
        messaging: MessagingServerClient,
        bus: EventBus,
        push: PushService,
        settings: VideoAndPushSettings,
        logger: Logger,
      ) =>
        new VideoInvitesService(
          db,
          new VideoInvitesRepository(),
          calls,
          messaging,
          bus,
          push,
          settings.video,
          logger,
        ),
    },
    InviteRingRunner,
  ],
})
export class VideoModule {}
