import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@parley/event-bus';
import type { SqlExecutor } from '@parley/db';
import type { Message, MessagePartInput, SendMessageRequest } from '@parley/protocol';
import { AttachmentsService } from '../attachments/attachments.service.js';
import {
  ConversationsService,
  participantContextOf,
  type LockedConversation,
} from '../conversations/conversations.service.js';
import { DomainError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import type { PreparedEvent } from '../event-log/event-appender.js';
import { EventLogService } from '../event-log/event-log.service.js';
import type { ItemOutcome } from '../event-log/group-commit.js';
import { MessagesRepository } from './messages.repository.js';
import { checkMentions, replyExcerpt } from './replies-and-mentions.js';

/** A send accepted at the edge and waiting for the next commit. */
export interface PendingSend {
  conversationId: string;
  senderId: string;
  req: SendMessageRequest;
  /** The parts as the pre-send hook decided them. */
  parts: MessagePartInput[];
  /** Runs `fn` in the sending request's context, where its request id and acting client are read. */
  inContext: <R>(fn: () => R) => R;
}

export interface SendOutcome {
  message: Message;
  created: boolean;
}

/**
 * Commits a batch of sends in one transaction: one statement locks the rows of their conversations and reads
 * their members and the senders' rights, one inserts the messages, one their events, outbox rows and new
 * `last_seq`s; the last two leave with COMMIT, so a batch is two round trips. A send that breaks a rule (not a
 * participant, a bad mention, a reply to nothing) fails alone; whatever fails the transaction itself is
 * retried send by send, so no send fails for another's sake.
 */
@Injectable()
export class SendBatchWriter {
  constructor(
    @Inject(MessagesRepository) private readonly repo: MessagesRepository,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
    @Inject(AttachmentsService) private readonly attachments: AttachmentsService,
  ) {}

  async write(sends: PendingSend[]): Promise<ItemOutcome<SendOutcome>[]> {
    try {
      return await this.commitTogether(sends);
    } catch (error) {
      if (sends.length === 1) return [{ ok: false, error }];
      const outcomes: ItemOutcome<SendOutcome>[] = [];
      for (const send of sends) {
        const [alone] = await this.commitTogether([send]).catch(
          (err: unknown): ItemOutcome<SendOutcome>[] => [{ ok: false, error: err }],
        );
        outcomes.push(alone!);
      }
      return outcomes;
    }
  }

  private async commitTogether(sends: PendingSend[]): Promise<ItemOutcome<SendOutcome>[]> {
    const outcomes: ItemOutcome<SendOutcome>[] = [];
    await this.eventLog.commit(async (tx, log) => {
      const conversationIds = [...new Set(sends.map((send) => send.conversationId))];
      const senderIds = [...new Set(sends.map((send) => send.senderId))];
      const locked = await this.conversations.lockManyWithAccess(tx, conversationIds, senderIds);
      const lastSeqs = new Map([...locked].map(([id, { conversation }]) => [id, conversation.last_seq]));
      const messages: Message[] = [];
      const events: PreparedEvent[] = [];
      // A retry waiting in the same batch as its first attempt gets that attempt's message. A retry of a
      // message stored before fails the insert on its unique key, and is then answered alone (see write()).
      const bySendKey = new Map<string, Message>();
      for (const send of sends) {
        const { conversationId } = send;
        const key = sendKey(conversationId, send.senderId, send.req.clientMessageId);
        const earlier = bySendKey.get(key);
        if (earlier) {
          outcomes.push({ ok: true, value: { message: earlier, created: false } });
          continue;
        }
        try {
          const { message, recipients, byGuest } = await this.buildMessage(
            tx,
            locked.get(conversationId),
            conversationId,
            send,
            (lastSeqs.get(conversationId) ?? 0) + 1,
          );
          lastSeqs.set(conversationId, message.seq);
          messages.push(message);
          bySendKey.set(key, message);
          events.push(
            send.inContext(() =>
              log.prepare(
                {
                  conversationId,
                  type: 'message.sent',
                  actorId: send.senderId,
                  payload: () => ({ message }),
                  recipients,
                  // The desk follows its visitors' messages only: a topic of their own spares it a job
                  // for every other message.
                  ...(byGuest ? { alsoPublishAs: [Topics.guestMessageSent] } : {}),
                },
                message.seq,
              ),
            ),
          );
          outcomes.push({ ok: true, value: { message, created: true } });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      // Both leave with COMMIT: the batch is this round trip and the one that locked the rows.
      this.repo.insertManyAtCommit(tx, messages);
      log.appendPreparedAtCommit(events);
    });
    return outcomes;
  }

  /** The message a send stores at `seq`, or the domain error its sender should get. */
  private async buildMessage(
    tx: SqlExecutor,
    locked: LockedConversation | undefined,
    conversationId: string,
    send: PendingSend,
    seq: number,
  ): Promise<{ message: Message; recipients: readonly string[]; byGuest: boolean }> {
    const { senderId, req } = send;
    const ctx = participantContextOf(locked, senderId, 'write');
    const { mentions, issues } = checkMentions(req.mentions, ctx.participantIds);
    if (issues.length > 0) throw new ValidationError('mentions must be participants', issues);
    const quoted = req.replyTo ? await this.requireQuotable(tx, conversationId, req.replyTo) : null;
    const id = randomUUID();
    // Last, as it is the one step that writes: a send refused before it leaves nothing behind.
    const parts = await this.attachments.bindToMessage(
      tx,
      { conversationId, senderId, messageId: id },
      send.parts,
    );
    const message: Message = {
      id,
      conversationId,
      seq,
      senderId,
      clientMessageId: req.clientMessageId,
      parts,
      createdAt: new Date().toISOString(),
      editedAt: null,
      removedAt: null,
      replyTo: quoted?.id ?? null,
      replyPreview: quoted
        ? { senderId: quoted.sender_id, excerpt: replyExcerpt(quoted.parts), removed: false }
        : null,
      mentions,
      reactions: [],
    };
    return { message, recipients: ctx.participantIds, byGuest: ctx.participant.is_guest === true };
  }

  /** The message a reply quotes: of this conversation (else 404, as for any message one cannot see), not removed. */
  private async requireQuotable(tx: SqlExecutor, conversationId: string, messageId: string) {
    const row = await this.repo.findById(conversationId, messageId, tx);
    if (!row) throw new NotFoundError('the message replied to is not in this conversation');
    if (row.removed_at)
      throw new ValidationError('the message replied to was removed', [
        { path: 'body.replyTo', message: 'the message was removed' },
      ]);
    return row;
  }
}

const sendKey = (conversationId: string, senderId: string, clientMessageId: string) =>
  `${conversationId}\n${senderId}\n${clientMessageId}`;
