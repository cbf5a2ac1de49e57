import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, type Database, type SqlExecutor } from '@parley/db';
import { ServiceMetrics } from '@parley/service-kit';
import type {
  EditMessageRequest,
  HistoryResponse,
  Message,
  MessagePartInput,
  SendMessageRequest,
} from '@parley/protocol';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../errors/domain-errors.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { PreSendHooksService } from '../pre-send-hooks/pre-send-hooks.service.js';
import { ReactionStore } from '../reactions/reaction-store.js';
import { EventDeliveryService } from '../realtime/event-delivery.service.js';
import type { EventAppender } from '../event-log/event-appender.js';
import {
  MessageStatsRepository,
  MessagesRepository,
  toMessage,
  type MessageRow,
} from './messages.repository.js';
import { findPartContentIssues } from './part-content.js';
import { findPartSizeViolation } from './part-limits.js';
import { replyExcerpt } from './replies-and-mentions.js';
import { SendBatchWriter, type PendingSend, type SendOutcome } from './send-batch-writer.js';
import { GroupCommit } from '../event-log/group-commit.js';
import { DATABASE } from '../infrastructure/tokens.js';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { sendLaneCount, sendLaneOf } from './send-lanes.js';
import { MessagingMetrics } from '../metrics.js';

/**
 * Most sends a transaction commits together: enough to absorb a burst, few enough that the batch's
 * statements stay small.
 */
const SENDS_PER_COMMIT = 100;

@Injectable()
export class MessagesService {
  private readonly persisted: ReturnType<ServiceMetrics['counter']>;
  /** Concurrent sends share transactions, lane by lane. */
  private readonly sends: GroupCommit<PendingSend, SendOutcome>;
  private readonly sendLanes: number;

  constructor(
    @Inject(MessagesRepository) private readonly repo: MessagesRepository,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
    @Inject(EventDeliveryService) private readonly delivery: EventDeliveryService,
    @Inject(MessageStatsRepository) private readonly stats: MessageStatsRepository,
    @Inject(AttachmentsService) private readonly attachments: AttachmentsService,
    @Inject(ReactionStore) private readonly reactions: ReactionStore,
    @Inject(PreSendHooksService) private readonly preSendHooks: PreSendHooksService,
    @Inject(SendBatchWriter) batchWriter: SendBatchWriter,
    @Inject(DATABASE) db: Database,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
  ) {
    this.persisted = metrics.counter(MessagingMetrics.messagesPersisted);
    this.sends = new GroupCommit((_lane, sends) => batchWriter.write(sends), SENDS_PER_COMMIT);
    this.sendLanes = sendLaneCount(db.kind, config.sends.commitLanes);
  }

  /** Per conversation of the user: unread count and the last visible message. */
  async summaries(
    userId: string,
    conversationIds: string[],
  ): Promise<Map<string, { unreadCount: number; lastMessage: Message | null }>> {
    const [unread, last] = await Promise.all([
      this.stats.unreadCounts(userId),
      this.stats.lastMessages(conversationIds),
    ]);
    const out = new Map<string, { unreadCount: number; lastMessage: Message | null }>();
    const lastMessages = await this.withReactions([...last.values()].map(toMessage));
    const byConversation = new Map(lastMessages.map((m) => [m.conversationId, m]));
    for (const id of conversationIds) {
      out.set(id, { unreadCount: unread.get(id) ?? 0, lastMessage: byConversation.get(id) ?? null });
    }
    return out;
  }

  /**
   * Sends once per clientMessageId: a retry (even racing the first attempt) returns the first message and
   * appends nothing, so a flaky network never produces duplicates.
   */
  async send(
    senderId: string,
    conversationId: string,
    req: SendMessageRequest,
  ): Promise<{ message: Message; created: boolean }> {
    checkParts(req.parts);
    // A retry of a stored send is answered before any hook sees it, so a hook decides each message once.
    // Without hooks a retry is found by the message's unique key when its insert fails (below), which saves
    // this read on every send.
    if (await this.preSendHooks.anyRegistered()) {
      const stored = await this.storedSend(senderId, conversationId, req.clientMessageId);
      if (stored) return stored;
    }
    // Before the transaction: a slow hook must not hold the conversation's row.
    const decidedParts = await this.preSendHooks.decideParts(senderId, conversationId, req);
    try {
      const outcome = await this.sends.submit(sendLaneOf(conversationId, this.sendLanes), {
        conversationId,
        senderId,
        req,
        parts: decidedParts,
        inContext: AsyncLocalStorage.snapshot(),
      });
      if (!outcome.created)
        return { message: (await this.withReactions([outcome.message]))[0]!, created: false };
      this.persisted.inc();
      return outcome;
    } catch (err) {
      if (isUniqueViolation(err)) {
        const stored = await this.storedSend(senderId, conversationId, req.clientMessageId);
        if (stored) return stored;
      }
      throw err;
    }
  }

  /** The message already stored under this send key, as its sender reads it; undefined if there is none. */
  private async storedSend(
    senderId: string,
    conversationId: string,
    clientMessageId: string,
  ): Promise<{ message: Message; created: false } | undefined> {
    const existing = await this.repo.findByClientId(conversationId, senderId, clientMessageId);
    if (!existing) return undefined;
    await this.conversations.getForReader(senderId, conversationId);
    return { message: (await this.withReactions([toMessage(existing)]))[0]!, created: false };
  }

  async edit(
    actorId: string,
    conversationId: string,
    messageId: string,
    req: EditMessageRequest,
  ): Promise<Message> {
    checkParts(req.parts);
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.conversations.requireParticipant(tx, conversationId, actorId);
      const row = await this.repo.findById(conversationId, messageId, tx);
      if (!row) throw new NotFoundError('message not found');
      this.requireEditRight(ctx.permissions, row.sender_id === actorId);
      if (row.removed_at) throw new ConflictError('a removed message cannot be edited');
      const seq = await log.assignNextSeq(conversationId);
      return this.writeEdit(tx, log, row, req.parts, actorId, ctx.participantIds, seq);
    });
  }

  /** The message's new parts and the `message.edited` event that announces them, at `seq`. */
  private async writeEdit(
    tx: SqlExecutor,
    log: EventAppender,
    row: MessageRow,
    partsInput: MessagePartInput[],
    actorId: string,
    recipients: readonly string[],
    seq: number,
  ): Promise<Message> {
    const { conversation_id: conversationId, id: messageId } = row;
    const parts = await this.attachments.rebindToMessage(
      tx,
      { conversationId, senderId: row.sender_id, messageId },
      partsInput,
    );
    const editedAt = new Date().toISOString();
    await this.repo.updateParts(tx, messageId, parts, editedAt);
    await this.repo.refreshReplyPreviews(tx, messageId, replyExcerpt(parts), false);
    await log.append(
      {
        conversationId,
        type: 'message.edited',
        actorId,
        payload: () => ({ messageId, messageSeq: row.seq, parts, editedAt }),
        recipients,
      },
      seq,
    );
    const edited = toMessage({ ...row, parts, edited_at: new Date(editedAt) });
    return (await this.withReactions([edited], tx))[0]!;
  }

  /**
   * The system keeping a message of `senderId` current on their behalf (a provider's call card): the message
   * with that send key, edited as one `message.edited` event by its sender without asking for editOwn, since
   * the sender did not write the change. `revise` sees the message as stored after the conversation's next
   * seq is taken (which holds the conversation's row), so revisions racing each other decide one after
   * another on fresh data; it returns the new parts, or null to leave the message as it is (nothing is
   * appended then). Undefined when there is no such message or it was removed.
   */
  async reviseForSender(
    senderId: string,
    conversationId: string,
    clientMessageId: string,
    revise: (current: Message) => MessagePartInput[] | null,
  ): Promise<{ message: Message; edited: boolean } | undefined> {
    try {
      return await this.eventLog.commit(async (tx, log) => {
        const ctx = await this.conversations.requireParticipant(tx, conversationId, senderId);
        const seq = await log.assignNextSeq(conversationId);
        const row = await this.repo.findByClientId(conversationId, senderId, clientMessageId, tx);
        if (!row || row.removed_at) throw new RevisionLeftOut(undefined);
        const parts = revise(toMessage(row));
        if (!parts) throw new RevisionLeftOut(toMessage(row));
        checkParts(parts);
        const message = await this.writeEdit(tx, log, row, parts, senderId, ctx.participantIds, seq);
        return { message, edited: true };
      });
    } catch (err) {
      // Rolled back, so the seq taken for it is not used up.
      if (!(err instanceof RevisionLeftOut)) throw err;
      if (!err.current) return undefined;
      return { message: (await this.withReactions([err.current]))[0]!, edited: false };
    }
  }

  async remove(actorId: string, conversationId: string, messageId: string): Promise<void> {
    await this.eventLog.commit(async (tx, log) => {
      const ctx = await this.conversations.requireParticipant(tx, conversationId, actorId);
      const row = await this.repo.findById(conversationId, messageId, tx);
      if (!row) throw new NotFoundError('message not found');
      this.requireEditRight(ctx.permissions, row.sender_id === actorId);
      if (row.removed_at) return; // removing twice is a no-op, not a second event
      const removedAt = new Date().toISOString();
      await this.repo.markRemoved(tx, messageId, removedAt);
      await this.attachments.removeForMessage(tx, messageId);
      await this.repo.refreshReplyPreviews(tx, messageId, '', true);
      await log.append({
        conversationId,
        type: 'message.removed',
        actorId,
        payload: () => ({ messageId, messageSeq: row.seq, removedAt }),
        recipients: ctx.participantIds,
      });
    });
  }

  /**
   * markAsRead(seq): one server-side lastReadSeq per user, so every device agrees. Moving backwards is a
   * no-op; a seq past the end is clamped to the conversation's lastSeq.
   */
  async markAsRead(userId: string, conversationId: string, seq: number): Promise<{ lastReadSeq: number }> {
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.conversations.requireParticipant(tx, conversationId, userId);
      const target = Math.min(seq, ctx.conversation.last_seq);
      if (target <= ctx.participant.last_read_seq) return { lastReadSeq: ctx.participant.last_read_seq };
      await this.conversations.setLastRead(tx, conversationId, userId, target);
      await log.append({
        conversationId,
        type: 'conversation.read',
        actorId: userId,
        payload: () => ({ userId, seq: target }),
        recipients: ctx.participantIds,
      });
      return { lastReadSeq: target };
    });
  }

  async history(
    userId: string,
    conversationId: string,
    before: number | undefined,
    limit: number,
  ): Promise<HistoryResponse> {
    const { conversation } = await this.conversations.getForReader(userId, conversationId);
    const beforeSeq = before ?? conversation.lastSeq + 1;
    const rows = await this.repo.pageBefore(conversationId, beforeSeq, limit);
    const first = rows[0];
    const nextBefore = first && (await this.repo.hasAnyBefore(conversationId, first.seq)) ? first.seq : null;
    return {
      messages: await this.withReactions(rows.map(toMessage)),
      nextBefore,
      lastSeq: conversation.lastSeq,
    };
  }

  /** A message of the conversation that is there to react to: 404 if it is not, 409 if it was removed. */
  async requireVisibleMessage(tx: SqlExecutor, conversationId: string, messageId: string): Promise<Message> {
    const row = await this.repo.findById(conversationId, messageId, tx);
    if (!row) throw new NotFoundError('message not found');
    if (row.removed_at) throw new ConflictError('the message was removed');
    return toMessage(row);
  }

  /** Messages with their reactions; a removed message shows none. */
  private async withReactions(messages: Message[], exec?: SqlExecutor): Promise<Message[]> {
    const reactions = await this.reactions.summaries(
      messages.filter((m) => !m.removedAt).map((m) => m.id),
      exec,
    );
    return messages.map((m) => ({ ...m, reactions: reactions.get(m.id) ?? [] }));
  }

  /** Typing is ephemeral: no seq, no history, only pushed to the other participants' live devices. */
  async typing(userId: string, conversationId: string, active: boolean): Promise<void> {
    const participants = await this.conversations.participantIds(conversationId);
    if (!participants.includes(userId)) throw new NotFoundError('conversation not found');
    await this.delivery.deliverTyping(
      { conversationId, userId, active },
      participants.filter((id) => id !== userId),
    );
  }

  private requireEditRight(p: { editOwn: boolean; editAll: boolean }, own: boolean): void {
    if (p.editAll || (own && p.editOwn)) return;
    throw new ForbiddenError(own ? 'missing permission: editOwn' : 'missing permission: editAll');
  }
}

/** A revision that decided to leave the message as it is: thrown to roll back the seq it had taken. */
class RevisionLeftOut extends Error {
  constructor(readonly current: Message | undefined) {
    super('revision left out');
  }
}

function checkParts(parts: MessagePartInput[]): void {
  const violation = findPartSizeViolation(parts);
  if (violation) {
    throw new PayloadTooLargeError(
      'part' in violation
        ? `parts.${violation.part} is ${violation.bytes} bytes; the limit is ${violation.limit}`
        : `the message is ${violation.total} bytes; the limit is ${violation.limit}`,
    );
  }
  const issues = findPartContentIssues(parts);
  if (issues.length > 0)
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}
