import { Inject, Injectable } from '@nestjs/common';
import { ReactionLimits, type MessageReactions } from '@parley/protocol';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ConflictError } from '../errors/domain-errors.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { MessagesService } from '../messages/messages.service.js';
import { ReactionStore } from './reaction-store.js';

@Injectable()
export class ReactionsService {
  constructor(
    @Inject(ReactionStore) private readonly store: ReactionStore,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
  ) {}

  /**
   * Adds this user's reaction. Idempotent: reacting again with the same emoji changes nothing and appends no
   * event, so a retried request never counts twice. Reading a conversation is enough to react in it.
   */
  async add(
    userId: string,
    conversationId: string,
    messageId: string,
    emoji: string,
  ): Promise<MessageReactions> {
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.conversations.requireParticipant(tx, conversationId, userId);
      const message = await this.messages.requireVisibleMessage(tx, conversationId, messageId);
      const summary = await this.store.summaries([messageId], tx);
      const current = summary.get(messageId) ?? [];
      if (current.some((r) => r.emoji === emoji && r.userIds.includes(userId)))
        return { messageId, reactions: current };
      if (
        !current.some((r) => r.emoji === emoji) &&
        current.length >= ReactionLimits.maxDistinctEmojiPerMessage
      )
        throw new ConflictError(
          `a message takes at most ${ReactionLimits.maxDistinctEmojiPerMessage} different reactions`,
        );
      if (!(await this.store.add(tx, messageId, emoji, userId))) return { messageId, reactions: current };
      await log.append({
        conversationId,
        type: 'reaction.added',
        actorId: userId,
        payload: () => ({ messageId, messageSeq: message.seq, emoji, userId }),
        recipients: ctx.participantIds,
      });
      return { messageId, reactions: (await this.store.summaries([messageId], tx)).get(messageId) ?? [] };
    });
  }

  /** Removes this user's reaction; removing one that is not there is a no-op without an event. */
  async remove(
    userId: string,
    conversationId: string,
    messageId: string,
    emoji: string,
  ): Promise<MessageReactions> {
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.conversations.requireParticipant(tx, conversationId, userId);
      const message = await this.messages.requireVisibleMessage(tx, conversationId, messageId);
      if (await this.store.remove(tx, messageId, emoji, userId)) {
        await log.append({
          conversationId,
          type: 'reaction.removed',
          actorId: userId,
          payload: () => ({ messageId, messageSeq: message.seq, emoji, userId }),
          recipients: ctx.participantIds,
        });
      }
      return { messageId, reactions: (await this.store.summaries([messageId], tx)).get(messageId) ?? [] };
    });
  }
}
