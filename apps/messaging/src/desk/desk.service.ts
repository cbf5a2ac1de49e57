import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OperatorRoster, type OperatorChoice } from '@parley/desk';
import { DelayedJobs, type EventBus } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import {
  DESK_CUSTOM_DATA_KEY,
  DESK_MESSAGE_MIME_TYPE,
  type Conversation,
  type DeskMessageBody,
  type DeskQueue,
} from '@parley/protocol';
import type { Redis } from 'ioredis';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/domain-errors.js';
import { GuestsService } from '../guests/guests.service.js';
import { EVENT_BUS, LOGGER, REDIS } from '../infrastructure/tokens.js';
import { MessagesService } from '../messages/messages.service.js';
import { nextCandidates, withTried } from './desk-candidates.js';
import { DeskRepository, toDeskConversation, type DeskRow } from './desk.repository.js';

const assignmentTimeoutJobId = (conversationId: string, assignment: number) =>
  `desk-accept-${conversationId}-${assignment}`;

/**
 * The support desk: a visitor's conversation is queued on their first message and offered to the
 * available operator with the fewest open chats (then the longest idle), from the roster the voice proxy
 * shares. An operator who does not accept in time, leaves, or transfers it passes it on; with nobody
 * available it waits, and a periodic sweep offers waiting conversations again.
 */
@Injectable()
export class DeskService implements OnModuleInit, OnModuleDestroy {
  private readonly roster: OperatorRoster;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    @Inject(DeskRepository) private readonly repo: DeskRepository,
    @Inject(GuestsService) private readonly guests: GuestsService,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(REDIS) redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    this.roster = new OperatorRoster(redis, config.redis.prefix);
  }

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => void this.sweepWaiting(), this.config.guests.deskSweepIntervalMs);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** The visitor's desk conversation, made on the first call: a group with only the guest. */
  async conversationOf(guestId: string): Promise<Conversation> {
    if (!(await this.guests.isGuest(guestId)))
      throw new ForbiddenError('the desk conversation is for guests');
    const existing = await this.repo.findByGuest(guestId);
    if (existing) return this.conversations.getForClient(existing.conversation_id);
    const siteId = await this.guests.siteOf(guestId);
    const { conversation } = await this.conversations.create(guestId, {
      type: 'group',
      participants: [],
      title: 'Support',
      customData: { [DESK_CUSTOM_DATA_KEY]: siteId },
    });
    const row = await this.repo.insert(conversation.id, guestId, siteId);
    return this.conversations.getForClient(row.conversation_id);
  }

  /** A message was sent: the visitor's first one, or their first after a close, puts the conversation in the queue. */
  async noticeMessage(conversationId: string, senderId: string): Promise<void> {
    const row = await this.repo.find(conversationId);
    if (!row || row.guest_id !== senderId) return;
    if (row.state === 'new' && !(await this.repo.enqueue(conversationId))) return;
    if (row.state === 'closed' && !(await this.repo.reopen(conversationId))) return;
    if (row.state !== 'new' && row.state !== 'closed') return;
    await this.offer(conversationId);
  }

  /** Participants left or were removed: the conversation's operator leaving passes it on. */
  async noticeRemoved(conversationId: string, userIds: readonly string[]): Promise<void> {
    const row = await this.repo.find(conversationId);
    if (!row?.operator_id || !userIds.includes(row.operator_id)) return;
    await this.offer(conversationId, { leaving: row.operator_id });
  }

  /** The accept timeout of `assignment`: when it is still unaccepted, the next operator gets it. */
  async acceptTimedOut(conversationId: string, assignment: number): Promise<void> {
    const row = await this.repo.find(conversationId);
    if (!row || row.state !== 'assigned' || row.assignment !== assignment) return;
    await this.offer(conversationId, { leaving: row.operator_id });
  }

  async queue(operatorId: string): Promise<DeskQueue> {
    await this.requireOperator(operatorId);
    const [waiting, mine] = await Promise.all([this.repo.waiting(100), this.repo.assignedTo(operatorId)]);
    return { waiting: waiting.map(toDeskConversation), mine: mine.map(toDeskConversation) };
  }

  async accept(operatorId: string, conversationId: string) {
    await this.requireOperator(operatorId);
    const row = await this.requireDesk(conversationId);
    if (row.operator_id !== operatorId) throw new ConflictError('this conversation is not assigned to you');
    const accepted = await this.repo.accept(conversationId, operatorId);
    if (!accepted) throw new ConflictError('this conversation is not assigned to you');
    await this.bus.cancelDelayed(
      DelayedJobs.deskAssignmentTimeout,
      assignmentTimeoutJobId(conversationId, accepted.assignment),
    );
    return toDeskConversation(accepted);
  }

  /** The assigned operator hands the conversation on: to `toOperatorId` when given (and available), else the next. */
  async transfer(operatorId: string, conversationId: string, toOperatorId: string | undefined) {
    await this.requireOperator(operatorId);
    const row = await this.requireDesk(conversationId);
    if (row.operator_id !== operatorId) throw new ConflictError('this conversation is not assigned to you');
    if (toOperatorId !== undefined) {
      const operators = await this.operators();
      if (!operators.some((o) => o.id === toOperatorId) || toOperatorId === operatorId)
        throw new ConflictError('toOperatorId: not another support operator');
    }
    const done = await this.offer(conversationId, { leaving: operatorId, only: toOperatorId });
    if (!done) throw new ConflictError('the operator is not available');
    return toDeskConversation((await this.repo.find(conversationId))!);
  }

  /**
   * The operator finished with the visitor: the visitor reads who closed it, the operator leaves the
   * conversation and stops counting it, and the visitor's next message queues it again.
   */
  async close(operatorId: string, conversationId: string) {
    await this.requireOperator(operatorId);
    const row = await this.requireDesk(conversationId);
    if (row.operator_id !== operatorId) throw new ConflictError('this conversation is not assigned to you');
    const name = (await this.operators()).find((o) => o.id === operatorId)?.displayName ?? null;
    const closed = await this.repo.close(conversationId, row.assignment);
    if (!closed) throw new ConflictError('this conversation is not assigned to you');
    // Before letting go: the operator must still be a participant to send it.
    await this.post(operatorId, conversationId, closed.assignment, { event: 'closed', operatorName: name });
    await this.letGo(row, operatorId);
    return toDeskConversation(closed);
  }

  /** Offers every waiting conversation again, oldest first; one sweep at a time per process. */
  async sweepWaiting(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const row of await this.repo.waiting(50)) {
        // Only as the sweep saw it: the visitor's own message may have had it assigned since.
        const offered = await this.offer(row.conversation_id, { ifAssignment: row.assignment });
        if (!offered) break; // nobody available: later ones would not fare better
      }
    } catch (err) {
      this.logger.warn({ err }, 'desk sweep failed; the next one tries again');
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Gives the conversation to the next operator (or back to the queue), `leaving` the one who had it.
   * False when nobody took it (or `only` was not available): then a leaving operator is still replaced
   * by the queue, but a transfer to a named operator changes nothing. With `ifAssignment`, a conversation
   * whose assignment moved past it is left alone (true: nothing for the caller to wait for).
   */
  private async offer(
    conversationId: string,
    opts: { leaving?: string | null; only?: string; ifAssignment?: number } = {},
  ): Promise<boolean> {
    const row = await this.repo.find(conversationId);
    if (!row) return false;
    // Changed since the caller looked (another offer won): not this caller's to give away.
    if (opts.ifAssignment !== undefined && row.assignment !== opts.ifAssignment) return true;
    const previous = opts.leaving ?? null;
    const operators = await this.operators();
    let choice: OperatorChoice | undefined;
    if (opts.only) {
      choice = await this.roster.claimForChat([opts.only]);
      if (!choice) return false;
    } else {
      const ids = operators.map((o) => o.id);
      for (const candidates of nextCandidates(ids, previous, row.tried)) {
        choice = await this.roster.claimForChat(candidates);
        if (choice) break;
      }
    }
    if (!choice && !previous) return false; // still waiting, nothing changed
    const tried = withTried(row.tried, previous);
    if (!(await this.repo.reassign(conversationId, row.assignment, choice?.id ?? null, tried))) {
      if (choice) await this.roster.releaseChat(choice.id); // another replica changed it first
      return false;
    }
    const assignment = row.assignment + 1;
    if (previous) await this.letGo(row, previous);
    if (choice) {
      const name = operators.find((o) => o.id === choice.id)?.displayName ?? choice.displayName;
      await this.conversations.addParticipantsForClient(choice.id, conversationId, {
        participants: [{ userId: choice.id }],
      });
      await this.post(choice.id, conversationId, assignment, {
        event: previous ? 'transferred' : 'assigned',
        operatorName: name,
      });
      await this.bus.scheduleDelayed(
        DelayedJobs.deskAssignmentTimeout,
        assignmentTimeoutJobId(conversationId, assignment),
        { conversationId, assignment },
        this.config.guests.deskAcceptTimeoutMs,
      );
      return true;
    }
    // The operator went and nobody else is available: the visitor is told, and the queue keeps it.
    await this.post(row.guest_id, conversationId, assignment, { event: 'unassigned', operatorName: null });
    return false;
  }

  /** The previous operator stops counting it, and leaves the conversation if they have not already. */
  private async letGo(row: DeskRow, operatorId: string): Promise<void> {
    await this.roster.releaseChat(operatorId);
    await this.bus.cancelDelayed(
      DelayedJobs.deskAssignmentTimeout,
      assignmentTimeoutJobId(row.conversation_id, row.assignment),
    );
    try {
      await this.conversations.removeParticipantForClient(operatorId, row.conversation_id, operatorId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err; // they left themselves
    }
  }

  private async post(senderId: string, conversationId: string, assignment: number, body: DeskMessageBody) {
    await this.messages.send(senderId, conversationId, {
      clientMessageId: `desk-${assignment}-${body.event}`,
      parts: [{ mimeType: DESK_MESSAGE_MIME_TYPE, body: JSON.stringify(body) }],
    });
  }

  private async operators(): Promise<{ id: string; displayName: string }[]> {
    const rows = await this.repo.usersByUsername(this.config.guests.supportOperators);
    return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  private async requireOperator(userId: string): Promise<void> {
    if (!(await this.operators()).some((o) => o.id === userId))
      throw new ForbiddenError('only support operators use the desk');
  }

  private async requireDesk(conversationId: string): Promise<DeskRow> {
    const row = await this.repo.find(conversationId);
    if (!row) throw new NotFoundError('no such desk conversation');
    return row;
  }
}
