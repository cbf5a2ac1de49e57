import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type { DeviceActivity, UserPresence } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { LOGGER, REALTIME_FANOUT, REDIS } from '../infrastructure/tokens.js';
import { FRAMES_TO_USERS_CHANNEL } from '../realtime/frames-to-users.js';
import { PresenceAnnouncer } from './presence-announcer.js';
import { deviceTtlMs } from './presence-status.js';
import { PresenceStore, type DeviceChange } from './presence-store.js';
import { PresenceRepository } from './presence.repository.js';

/**
 * Presence across nodes. Each connected device is an entry in Redis with an expiry that its socket's
 * heartbeat (every pong) pushes forward; a node that dies stops refreshing, its devices expire and
 * whichever node sweeps first announces the change. Status changes go live, as ephemeral `presence`
 * frames without a seq, to everyone who shares a direct or group conversation with the user (announced in
 * batches, see PresenceAnnouncer). Presence is best effort: a Redis failure is logged and never breaks a
 * socket.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly store: PresenceStore;
  private readonly announcer: PresenceAnnouncer;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(PresenceRepository) private readonly repo: PresenceRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    this.store = new PresenceStore(redis, config.redis.prefix, deviceTtlMs(config.realtime.pingIntervalMs));
    this.announcer = new PresenceAnnouncer({
      audiencesOf: (userIds) => this.repo.audiencesOf(userIds),
      publish: (messages) =>
        this.fanout.publishMany(messages.map((message) => ({ channel: FRAMES_TO_USERS_CHANNEL, message }))),
    });
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweepExpired(), this.config.realtime.pingIntervalMs);
    this.sweepTimer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  deviceConnected(userId: string, sessionId: string): Promise<void> {
    return this.change(userId, sessionId, 'connect');
  }

  /** The device answered a heartbeat: it stays live for another TTL. */
  deviceAlive(userId: string, sessionId: string): Promise<void> {
    return this.change(userId, sessionId, 'refresh');
  }

  deviceActivity(userId: string, sessionId: string, activity: DeviceActivity): Promise<void> {
    return this.change(userId, sessionId, activity);
  }

  deviceDisconnected(userId: string, sessionId: string): Promise<void> {
    return this.change(userId, sessionId, 'disconnect');
  }

  /** `GET /v1/presence`: only users who share a conversation with the caller (and the caller) are answered. */
  async read(viewerId: string, userIds: string[]): Promise<UserPresence[]> {
    const visible = await this.repo.visibleTo(viewerId, userIds);
    return this.store.read(userIds.filter((id) => visible.has(id)));
  }

  /** Devices of crashed or cut-off nodes: each expired device is claimed by one node, which announces it. */
  async sweepExpired(): Promise<void> {
    try {
      for (const { userId, sessionId } of await this.store.claimExpired())
        await this.change(userId, sessionId, 'expire');
    } catch (err) {
      this.logger.debug({ err }, 'presence sweep failed');
    }
  }

  private async change(userId: string, sessionId: string, op: DeviceChange): Promise<void> {
    try {
      const { presence, changed } = await this.store.apply(userId, sessionId, op);
      if (changed) await this.announcer.announce(presence);
    } catch (err) {
      this.logger.warn({ err, userId, op }, 'presence change not recorded or not announced');
    }
  }
}
