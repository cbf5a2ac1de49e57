import { Inject, Injectable } from '@nestjs/common';
import {
  callLogOf,
  CallLogMimeType,
  type CallEndedEvent,
  type CallLogBody,
  type VoiceCallEndedEvent,
} from '@parley/protocol';
import { ConversationsService } from '../conversations/conversations.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { MessagesService } from '../messages/messages.service.js';

export type CallLogResult =
  | { logged: true; conversationId: string; messageId: string; seq: number; created: boolean }
  | { logged: false; reason: 'unknown_number' | 'same_user' | 'caller_left' };

/** The send key of a call's log entry: the caller sends it once per call, however often the fact arrives. */
export function callLogClientMessageId(callId: string): string {
  return `call:${callId.replace(/[^A-Za-z0-9._:-]/g, '_')}`;
}

/**
 * Writes a finished call into the caller's and callee's direct conversation (created when they have none)
 * as a message from the caller with one `application/vnd.parley.call+json` part. Being a message, it is in
 * the replayable log (`message.sent`), in history pages, caches, previews and the callee's unread count,
 * with nothing new for clients to sync. Idempotent by call id (the message's clientMessageId).
 */
@Injectable()
export class CallLogService {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
  ) {}

  async logEndedCall(call: CallEndedEvent): Promise<CallLogResult> {
    const [callerId, calleeId] = await Promise.all([
      this.identity.userIdByMsisdn(call.callerMsisdn),
      this.identity.userIdByMsisdn(call.calleeMsisdn),
    ]);
    // A number that is nobody's Parley account (a phone on the network): no conversation to log it in.
    if (!callerId || !calleeId) return { logged: false, reason: 'unknown_number' };
    if (callerId === calleeId) return { logged: false, reason: 'same_user' };
    const { conversation } = await this.conversations.create(callerId, {
      type: 'direct',
      participants: [calleeId],
      distinct: true,
    });
    const { message, created } = await this.messages.send(callerId, conversation.id, {
      clientMessageId: callLogClientMessageId(call.callId),
      parts: [{ mimeType: CallLogMimeType, body: JSON.stringify(callLogOf(call)) }],
    });
    return {
      logged: true,
      conversationId: conversation.id,
      messageId: message.id,
      seq: message.seq,
      created,
    };
  }

  /**
   * A call placed through the voice proxy (or a direct call nobody could take), logged in the conversation
   * it was placed on as a message from the caller. It names no operator: the caller never learns who took it.
   */
  async logVoiceCall(call: VoiceCallEndedEvent): Promise<CallLogResult> {
    const participants = await this.conversations.participantIds(call.cid);
    // The caller left the conversation since: there is nobody to tell.
    if (!participants.includes(call.callerId)) return { logged: false, reason: 'caller_left' };
    const body: CallLogBody = {
      callId: call.callId,
      outcome: call.answeredAt ? 'completed' : 'missed',
      durationSeconds: call.durationSeconds,
      video: false,
      startedAt: call.startedAt,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      endReason: call.endReason,
    };
    const { message, created } = await this.messages.send(call.callerId, call.cid, {
      clientMessageId: callLogClientMessageId(`voice:${call.callId}`),
      parts: [{ mimeType: CallLogMimeType, body: JSON.stringify(body) }],
    });
    return { logged: true, conversationId: call.cid, messageId: message.id, seq: message.seq, created };
  }
}
