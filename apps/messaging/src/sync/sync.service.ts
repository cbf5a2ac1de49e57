import { Inject, Injectable } from '@nestjs/common';
import {
  MessagingLimits,
  type CatchUpResponse,
  type MeResponse,
  type RetransmitResponse,
} from '@parley/protocol';
import {
  ConversationSettingsService,
  DEFAULT_CONVERSATION_SETTINGS,
} from '../conversation-settings/conversation-settings.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { MessagesService } from '../messages/messages.service.js';
import { chooseCatchUpMode } from './catch-up-mode.js';

/** What a device needs after (re)connecting: getUser, retransmitEvents and the catch-up decision. */
@Injectable()
export class SyncService {
  constructor(
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(ConversationSettingsService) private readonly settings: ConversationSettingsService,
  ) {}

  async getUser(userId: string): Promise<MeResponse> {
    const user = await this.identity.getUser(userId);
    const settings = await this.settings.forUser(userId);
    const conversations = await this.conversations.listForUser(userId);
    const summaries = await this.messages.summaries(
      userId,
      conversations.map((c) => c.id),
    );
    return {
      user,
      conversations: conversations.map((c) => ({
        ...c,
        lastReadSeq: c.participants.find((p) => p.userId === userId)?.lastReadSeq ?? 0,
        unreadCount: summaries.get(c.id)?.unreadCount ?? 0,
        lastMessage: summaries.get(c.id)?.lastMessage ?? null,
        ...(settings.get(c.id) ?? DEFAULT_CONVERSATION_SETTINGS),
      })),
    };
  }

  async retransmitEvents(
    userId: string,
    conversationId: string,
    fromSeq: number,
    toSeq?: number,
  ): Promise<RetransmitResponse> {
    const { conversation } = await this.conversations.getForReader(userId, conversationId);
    return this.eventLog.retransmit(conversationId, conversation.lastSeq, fromSeq, toSeq);
  }

  /**
   * The whole range `fromSeq..toSeq` (default: the last seq now) as NDJSON, for a device replaying a long
   * log in one request. `lastSeq` is the conversation's when the stream began.
   */
  async streamEvents(
    userId: string,
    conversationId: string,
    fromSeq: number,
    toSeq?: number,
  ): Promise<{ lastSeq: number; toSeq: number; chunks: AsyncIterable<string> }> {
    const { conversation } = await this.conversations.getForReader(userId, conversationId);
    const lastSeq = conversation.lastSeq;
    const end = Math.min(toSeq ?? lastSeq, lastSeq);
    return { lastSeq, toSeq: end, chunks: this.eventLog.streamLines(conversationId, fromSeq, end) };
  }

  async catchUp(userId: string, conversationId: string, sinceSeq: number): Promise<CatchUpResponse> {
    const { conversation } = await this.conversations.getForReader(userId, conversationId);
    const decision = chooseCatchUpMode(
      conversation.lastSeq,
      sinceSeq,
      MessagingLimits.replayRecommendedMaxGap,
    );
    if (decision.mode === 'replay') {
      const page = await this.eventLog.retransmit(
        conversationId,
        conversation.lastSeq,
        Math.min(sinceSeq, conversation.lastSeq) + 1,
      );
      return { mode: 'replay', lastSeq: conversation.lastSeq, gap: decision.gap, page };
    }
    const history = await this.messages.history(
      userId,
      conversationId,
      undefined,
      MessagingLimits.historyPageSize,
    );
    return {
      mode: 'reset',
      lastSeq: conversation.lastSeq,
      gap: decision.gap,
      reason: decision.reason,
      conversation,
      messages: history.messages,
      nextBefore: history.nextBefore,
    };
  }
}
