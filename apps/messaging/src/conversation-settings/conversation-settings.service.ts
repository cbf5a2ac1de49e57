import { Inject, Injectable } from '@nestjs/common';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type {
  ConversationSettings,
  ConversationSettingsResponse,
  ServerFrame,
  UpdateConversationSettingsRequest,
} from '@parley/protocol';
import { NotFoundError } from '../errors/domain-errors.js';
import { LOGGER, REALTIME_FANOUT } from '../infrastructure/tokens.js';
import { userChannel } from '../realtime/channels.js';
import { ConversationSettingsRepository } from './conversation-settings.repository.js';

export const DEFAULT_CONVERSATION_SETTINGS: ConversationSettings = { pinned: false, muted: false };

@Injectable()
export class ConversationSettingsService {
  constructor(
    @Inject(ConversationSettingsRepository) private readonly repo: ConversationSettingsRepository,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Only the caller's own settings can change: the route names no user. A conversation the caller is not
   * in is 404, whether or not it exists, like every other conversation route.
   */
  async update(
    userId: string,
    conversationId: string,
    patch: UpdateConversationSettingsRequest,
  ): Promise<ConversationSettingsResponse> {
    const settings = await this.repo.update(conversationId, userId, patch);
    if (!settings) throw new NotFoundError('conversation not found');
    // The user's other devices follow at once; a device that misses it reads the settings from /v1/me.
    const frame: ServerFrame = { type: 'settings', conversationId, ...settings };
    try {
      await this.fanout.publishMany([{ channel: userChannel(userId), message: JSON.stringify(frame) }]);
    } catch (err) {
      this.logger.debug({ err }, 'settings change not delivered live');
    }
    return { conversationId, ...settings };
  }

  forUser(userId: string): Promise<Map<string, ConversationSettings>> {
    return this.repo.forUser(userId);
  }
}
