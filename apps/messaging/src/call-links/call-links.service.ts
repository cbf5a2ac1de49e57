import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@parley/logger';
import {
  KnownMimeTypes,
  VoipLinkBody,
  type Message,
  type MessagePartInput,
  type ProviderCallUpdatedEvent,
} from '@parley/protocol';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ForbiddenError, NotFoundError } from '../errors/domain-errors.js';
import { LOGGER } from '../infrastructure/tokens.js';
import { MessagesService } from '../messages/messages.service.js';
import { compareVoipLinkProgress, type VoipLinkRevision } from './voip-link-progress.js';

export type CallLinkResult =
  | { outcome: 'posted' | 'edited'; messageId: string; seq: number }
  | { outcome: 'unchanged' | 'older'; messageId: string }
  | { outcome: 'skipped'; reason: 'creator_left' | 'message_removed' | 'refused' };

/** The send key of a provider call's voip-link message: one message per call, however often it is reported. */
export function callLinkClientMessageId(callId: string): string {
  return `voip-link:${callId}`;
}

/**
 * A provider call as one `application/voip-link` message from the member who started it, kept current: the
 * first update posts it, every later one edits that message's part, so each device (online now or catching
 * up by seq later) re-renders the call card from the conversation's own log. An update behind what the card
 * shows, or a repeat of it, changes nothing.
 */
@Injectable()
export class CallLinksService {
  constructor(
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async applyCallUpdate(update: ProviderCallUpdatedEvent): Promise<CallLinkResult> {
    try {
      return await this.writeCallLink(update);
    } catch (err) {
      // The creator left (or lost the right to write) between the check and the write: retrying cannot help.
      if (!(err instanceof NotFoundError || err instanceof ForbiddenError)) throw err;
      const { callId, conversationId, createdBy } = update;
      this.logger.warn(
        { callId, conversationId, createdBy, reason: err.message },
        'call link skipped: refused',
      );
      return { outcome: 'skipped', reason: 'refused' };
    }
  }

  private async writeCallLink(update: ProviderCallUpdatedEvent): Promise<CallLinkResult> {
    const { callId, conversationId, createdBy } = update;
    const participants = await this.conversations.participantIds(conversationId);
    if (!participants.includes(createdBy)) {
      // Whoever started the call left the conversation since: the card is theirs, so it stays as it was.
      this.logger.info({ callId, conversationId, createdBy }, 'call link skipped: its creator left');
      return { outcome: 'skipped', reason: 'creator_left' };
    }
    const clientMessageId = callLinkClientMessageId(callId);
    const parts: MessagePartInput[] = [
      { mimeType: KnownMimeTypes.voipLink, body: JSON.stringify(update.voipLink) },
    ];
    const { message, created } = await this.messages.send(createdBy, conversationId, {
      clientMessageId,
      parts,
    });
    if (created) return { outcome: 'posted', messageId: message.id, seq: message.seq };

    let verdict = 'newer' as VoipLinkRevision;
    const revised = await this.messages.reviseForSender(
      createdBy,
      conversationId,
      clientMessageId,
      (current) => {
        const shown = voipLinkOf(current);
        verdict = shown ? compareVoipLinkProgress(shown, update.voipLink) : 'newer';
        return verdict === 'newer' ? parts : null;
      },
    );
    if (!revised) {
      this.logger.info({ callId, conversationId }, 'call link skipped: its message was removed');
      return { outcome: 'skipped', reason: 'message_removed' };
    }
    if (revised.edited) return { outcome: 'edited', messageId: revised.message.id, seq: revised.message.seq };
    if (verdict === 'older') {
      this.logger.info(
        { callId, conversationId, status: update.voipLink.status },
        'call link update older than the card',
      );
    }
    return { outcome: verdict === 'older' ? 'older' : 'unchanged', messageId: revised.message.id };
  }
}

/** The call card a message shows, or undefined when its part is not a readable voip link. */
function voipLinkOf(message: Message): VoipLinkBody | undefined {
  const part = message.parts.find((p) => p.mimeType === KnownMimeTypes.voipLink);
  if (part?.body === undefined) return undefined;
  try {
    const parsed = VoipLinkBody.safeParse(JSON.parse(part.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
