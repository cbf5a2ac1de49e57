import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, type SqlExecutor } from '@parley/db';
import type {
  AddParticipantsRequest,
  ChannelListing,
  Conversation,
  ConversationType,
  CreateConversationRequest,
  Permissions,
  PermissionsPatch,
  UpdateConversationRequest,
} from '@parley/protocol';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { EventLogService } from '../event-log/event-log.service.js';
import type { EventAppender } from '../event-log/event-appender.js';
import {
  permissionsOf,
  toConversation,
  toParticipant,
  type ConversationRow,
  type ParticipantAccessRow,
} from './conversation-views.js';
import { ConversationsRepository, type GuestAwareAccessRow } from './conversations.repository.js';
import {
  applyPermissionsPatch,
  creatorPermissions,
  distinctKey,
  isAllowed,
  MemberPermissions,
  type ConversationAction,
} from './permissions.js';

/** A participant's view of a conversation it may act on, loaded (and locked) inside a transaction. */
export interface ParticipantContext {
  conversation: ConversationRow;
  participant: ParticipantAccessRow & { is_guest?: boolean };
  permissions: Permissions;
  /** Everyone in the conversation now, the actor included: the recipients of what it does. */
  participantIds: readonly string[];
}

/** A conversation's row, locked in the current transaction, with everyone in it and the rights of some. */
export interface LockedConversation {
  conversation: ConversationRow;
  /** The rights of the users the lock was taken for, those of them who are in the conversation. */
  access: GuestAwareAccessRow[];
  /** Everyone in the conversation. Shared by every context made from this lock: read, never change. */
  participantIds: readonly string[];
}

/** What `userId` may do in a locked conversation; throws the error a request of theirs should get. */
export function participantContextOf(
  locked: LockedConversation | undefined,
  userId: string,
  action?: ConversationAction,
): ParticipantContext {
  if (!locked) throw new NotFoundError('conversation not found');
  const { conversation, access, participantIds } = locked;
  const participant = access.find((p) => p.user_id === userId);
  if (!participant) {
    if (conversation.type === 'channel') throw new ForbiddenError('join the channel first');
    throw new NotFoundError('conversation not found');
  }
  const permissions = permissionsOf(participant);
  if (action && !isAllowed(permissions, action, conversation.type)) {
    throw new ForbiddenError(
      action === 'manageParticipants' && conversation.type === 'direct'
        ? 'a direct conversation has fixed participants'
        : `missing permission: ${action}`,
    );
  }
  return { conversation, participant, permissions, participantIds };
}

@Injectable()
export class ConversationsService {
  constructor(
    @Inject(ConversationsRepository) private readonly repo: ConversationsRepository,
    @Inject(EventLogService) private readonly eventLog: EventLogService,
  ) {}

  async create(
    actorId: string,
    req: CreateConversationRequest,
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const others = [...new Set(req.participants)].filter((id) => id !== actorId);
    if (req.type === 'direct' && others.length !== 1) {
      throw new ValidationError('participants: a direct conversation needs one other participant', [
        { path: 'participants', message: 'a direct conversation needs one other participant' },
      ]);
    }
    await this.requireUsersExist(others, 'participants');
    const key = req.distinct ? distinctKey(req.type, [actorId, ...others]) : null;
    if (key) {
      const existing = await this.repo.findByDistinctKey(key);
      if (existing) return { conversation: await this.view(existing), created: false };
    }
    const id = randomUUID();
    try {
      const conversation = await this.eventLog.commit(async (tx, log) => {
        await this.repo.insertConversation(tx, {
          id,
          type: req.type,
          title: req.title ?? null,
          customData: req.customData ?? {},
          distinctKey: key,
          joinPermissions:
            req.type === 'channel' ? applyPermissionsPatch(MemberPermissions, req.joinPermissions) : null,
          createdBy: actorId,
        });
        await this.repo.upsertParticipants(tx, id, [
          { userId: actorId, permissions: creatorPermissions(req.type) },
          ...others.map((userId) => ({ userId, permissions: { ...MemberPermissions } })),
        ]);
        const seq = await log.assignNextSeq(id);
        const view = await this.view(await this.mustFind(id, tx), tx);
        await log.append(
          {
            conversationId: id,
            type: 'conversation.created',
            actorId,
            payload: () => ({ conversation: view }),
            recipients: view.participants.map((p) => p.userId),
          },
          seq,
        );
        return view;
      });
      return { conversation, created: true };
    } catch (err) {
      // Two devices creating the same distinct conversation at once: the loser returns the winner's.
      if (key && isUniqueViolation(err)) {
        const existing = await this.repo.findByDistinctKey(key);
        if (existing) return { conversation: await this.view(existing), created: false };
      }
      throw err;
    }
  }

  /** Read access: participants, and anyone for a public channel. Others get 404, never 403. */
  async getForReader(
    userId: string,
    conversationId: string,
  ): Promise<{ conversation: Conversation; row: ConversationRow; isParticipant: boolean }> {
    const row = await this.repo.findById(conversationId);
    if (!row) throw new NotFoundError('conversation not found');
    const participants = await this.repo.listParticipants([row.id]);
    const isParticipant = participants.some((p) => p.user_id === userId);
    if (!isParticipant && row.type !== 'channel') throw new NotFoundError('conversation not found');
    return { conversation: toConversation(row, participants), row, isParticipant };
  }

  async listForUser(userId: string, type?: ConversationType): Promise<Conversation[]> {
    const rows = await this.repo.listForUser(userId, type);
    return this.views(rows);
  }

  async listChannels(userId: string, q: string | undefined, limit: number): Promise<ChannelListing[]> {
    const rows = await this.repo.listChannels(userId, q, limit);
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      participantCount: r.participant_count,
      lastSeq: r.last_seq,
      joined: r.joined,
    }));
  }

  async update(
    actorId: string,
    conversationId: string,
    req: UpdateConversationRequest,
  ): Promise<Conversation> {
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.requireParticipant(tx, conversationId, actorId, 'updateConversation');
      await this.repo.updateDetails(tx, conversationId, { title: req.title, customData: req.customData });
      await log.append({
        conversationId,
        type: 'conversation.updated',
        actorId,
        payload: () => ({
          ...(req.title !== undefined ? { title: req.title } : {}),
          ...(req.customData !== undefined ? { customData: req.customData } : {}),
        }),
        recipients: ctx.participantIds,
      });
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  async addParticipants(
    actorId: string,
    conversationId: string,
    req: AddParticipantsRequest,
  ): Promise<Conversation> {
    const ids = req.participants.map((p) => p.userId);
    await this.requireUsersExist(ids, 'participants');
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.requireParticipant(tx, conversationId, actorId, 'manageParticipants');
      if (req.participants.some((p) => p.permissions?.owner) && !ctx.permissions.owner) {
        throw new ForbiddenError('only an owner can make someone an owner');
      }
      const added = await this.repo.upsertParticipants(
        tx,
        conversationId,
        req.participants.map((p) => ({
          userId: p.userId,
          permissions: applyPermissionsPatch(MemberPermissions, p.permissions),
        })),
      );
      if (added.length > 0)
        await this.appendParticipantsAdded(tx, log, conversationId, actorId, added, false);
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  async updateParticipant(
    actorId: string,
    conversationId: string,
    userId: string,
    patch: PermissionsPatch,
  ): Promise<Conversation> {
    return this.eventLog.commit(async (tx, log) => {
      const ctx = await this.requireParticipant(tx, conversationId, actorId, 'manageParticipants');
      const target = await this.repo.findParticipant(conversationId, userId, tx);
      if (!target) throw new NotFoundError('participant not found');
      const current = permissionsOf(target);
      const next = applyPermissionsPatch(current, patch);
      if ((next.owner !== current.owner || current.owner) && !ctx.permissions.owner) {
        throw new ForbiddenError('only an owner can change an owner or grant ownership');
      }
      if (current.owner && !next.owner && (await this.repo.countOwners(tx, conversationId)) <= 1) {
        throw new ConflictError('a conversation keeps at least one owner');
      }
      await this.repo.updatePermissions(tx, conversationId, userId, next);
      const updated = await this.repo.findParticipant(conversationId, userId, tx);
      await log.append({
        conversationId,
        type: 'participants.updated',
        actorId,
        payload: () => ({ participant: toParticipant(updated!) }),
        recipients: await this.repo.participantIds(conversationId, tx),
      });
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  async removeParticipant(actorId: string, conversationId: string, userId: string): Promise<void> {
    if (userId === actorId) return this.leave(actorId, conversationId);
    await this.eventLog.commit(async (tx, log) => {
      const ctx = await this.requireParticipant(tx, conversationId, actorId, 'manageParticipants');
      const target = await this.repo.findParticipant(conversationId, userId, tx);
      if (!target) throw new NotFoundError('participant not found');
      if (target.is_owner && !ctx.permissions.owner)
        throw new ForbiddenError('only an owner can remove an owner');
      await this.takeOut(tx, log, conversationId, actorId, userId, false);
    });
  }

  async join(actorId: string, conversationId: string): Promise<Conversation> {
    return this.eventLog.commit(async (tx, log) => {
      const row = await this.repo.lockById(tx, conversationId);
      if (!row) throw new NotFoundError('conversation not found');
      const existing = await this.repo.findParticipant(conversationId, actorId, tx);
      if (existing) return this.view(row, tx);
      if (row.type !== 'channel') throw new NotFoundError('conversation not found');
      const permissions = applyPermissionsPatch(MemberPermissions, row.join_permissions ?? undefined);
      await this.repo.upsertParticipants(tx, conversationId, [{ userId: actorId, permissions }]);
      await this.appendParticipantsAdded(tx, log, conversationId, actorId, [actorId], true);
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  async leave(actorId: string, conversationId: string): Promise<void> {
    await this.eventLog.commit(async (tx, log) => {
      const ctx = await this.requireParticipant(tx, conversationId, actorId);
      if (ctx.permissions.owner)
        await this.refuseLastOwner(
          tx,
          conversationId,
          actorId,
          'make another participant an owner before leaving',
        );
      await this.takeOut(tx, log, conversationId, actorId, actorId, true);
    });
  }

  /**
   * Server API: any conversation, as a machine client sees it. Clients are trusted with every conversation of
   * the deployment (their scopes decide what they may do), so there is no participant check.
   */
  async getForClient(conversationId: string): Promise<Conversation> {
    const row = await this.repo.findById(conversationId);
    if (!row) throw new NotFoundError('conversation not found');
    return this.view(row);
  }

  /** Server API: participants added by a machine client; `actorId` is the client's own user. */
  async addParticipantsForClient(
    actorId: string,
    conversationId: string,
    req: AddParticipantsRequest,
  ): Promise<Conversation> {
    const ids = req.participants.map((p) => p.userId);
    await this.requireUsersExist(ids, 'participants');
    return this.eventLog.commit(async (tx, log) => {
      await this.lockForClient(tx, conversationId, 'changeParticipants');
      const added = await this.repo.upsertParticipants(
        tx,
        conversationId,
        req.participants.map((p) => ({
          userId: p.userId,
          permissions: applyPermissionsPatch(MemberPermissions, p.permissions),
        })),
      );
      if (added.length > 0)
        await this.appendParticipantsAdded(tx, log, conversationId, actorId, added, false);
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  /** Server API: a participant removed by a machine client; the last owner goes only with everyone else. */
  async removeParticipantForClient(actorId: string, conversationId: string, userId: string): Promise<void> {
    await this.eventLog.commit(async (tx, log) => {
      await this.lockForClient(tx, conversationId, 'changeParticipants');
      const target = await this.repo.findParticipant(conversationId, userId, tx);
      if (!target) throw new NotFoundError('participant not found');
      if (target.is_owner)
        await this.refuseLastOwner(tx, conversationId, userId, 'make another participant an owner first');
      await this.takeOut(tx, log, conversationId, actorId, userId, false);
    });
  }

  /** Server API: title or custom data changed by a machine client. */
  async updateForClient(
    actorId: string,
    conversationId: string,
    req: UpdateConversationRequest,
  ): Promise<Conversation> {
    return this.eventLog.commit(async (tx, log) => {
      await this.lockForClient(tx, conversationId);
      await this.repo.updateDetails(tx, conversationId, { title: req.title, customData: req.customData });
      await log.append({
        conversationId,
        type: 'conversation.updated',
        actorId,
        payload: () => ({
          ...(req.title !== undefined ? { title: req.title } : {}),
          ...(req.customData !== undefined ? { customData: req.customData } : {}),
        }),
        recipients: await this.repo.participantIds(conversationId, tx),
      });
      return this.view(await this.mustFind(conversationId, tx), tx);
    });
  }

  /**
   * Server API: a client's bot joins a conversation it is about to post in (one `participants.added` event,
   * the bot as actor, the first time only). A direct conversation keeps its two people: 409.
   */
  async admitBot(botUserId: string, conversationId: string): Promise<void> {
    if (await this.repo.findParticipant(conversationId, botUserId)) return;
    await this.eventLog.commit(async (tx, log) => {
      await this.lockForClient(tx, conversationId, 'changeParticipants');
      const added = await this.repo.upsertParticipants(tx, conversationId, [
        { userId: botUserId, permissions: { ...MemberPermissions } },
      ]);
      if (added.length > 0)
        await this.appendParticipantsAdded(tx, log, conversationId, botUserId, added, true);
    });
  }

  private async lockForClient(
    tx: SqlExecutor,
    conversationId: string,
    change?: 'changeParticipants',
  ): Promise<ConversationRow> {
    const conversation = await this.repo.lockById(tx, conversationId);
    if (!conversation) throw new NotFoundError('conversation not found');
    if (change === 'changeParticipants' && conversation.type === 'direct')
      throw new ConflictError('a direct conversation has fixed participants');
    return conversation;
  }

  /**
   * Loads and locks the conversation for a write by `userId`. Someone outside a private conversation
   * gets 404 (its existence is not theirs to know); outside a public channel, 403 until they join.
   */
  async requireParticipant(
    tx: SqlExecutor,
    conversationId: string,
    userId: string,
    action?: ConversationAction,
  ): Promise<ParticipantContext> {
    const locked = await this.repo.lockWithAccess(tx, [conversationId], [userId]);
    return participantContextOf(locked.get(conversationId), userId, action);
  }

  /**
   * Several conversations locked at once (the ones found; an unknown id is left out), each with everyone in it
   * and the rights of those of `userIds` who are.
   */
  lockManyWithAccess(
    tx: SqlExecutor,
    conversationIds: string[],
    userIds: string[],
  ): Promise<Map<string, LockedConversation>> {
    return this.repo.lockWithAccess(tx, conversationIds, userIds);
  }

  participantIds(conversationId: string, exec?: SqlExecutor): Promise<string[]> {
    return this.repo.participantIds(conversationId, exec);
  }

  setLastRead(tx: SqlExecutor, conversationId: string, userId: string, seq: number): Promise<void> {
    return this.repo.setLastRead(tx, conversationId, userId, seq);
  }

  async view(row: ConversationRow, exec?: SqlExecutor): Promise<Conversation> {
    return toConversation(row, await this.repo.listParticipants([row.id], exec));
  }

  async views(rows: ConversationRow[]): Promise<Conversation[]> {
    const participants = await this.repo.listParticipants(rows.map((r) => r.id));
    return rows.map((row) =>
      toConversation(
        row,
        participants.filter((p) => p.conversation_id === row.id),
      ),
    );
  }

  /** The last owner goes only with everyone else: refused with `message` while others remain. */
  private async refuseLastOwner(
    tx: SqlExecutor,
    conversationId: string,
    userId: string,
    message: string,
  ): Promise<void> {
    if ((await this.repo.countOwners(tx, conversationId)) > 1) return;
    const others = (await this.repo.participantIds(conversationId, tx)).filter((id) => id !== userId);
    if (others.length > 0) throw new ConflictError(message);
  }

  /** Takes `userId` out of the conversation; the rest are told, and so is the one who went. */
  private async takeOut(
    tx: SqlExecutor,
    log: EventAppender,
    conversationId: string,
    actorId: string,
    userId: string,
    left: boolean,
  ): Promise<void> {
    await this.repo.deleteParticipant(tx, conversationId, userId);
    await this.repo.clearDistinct(tx, conversationId);
    const remaining = await this.repo.participantIds(conversationId, tx);
    await log.append({
      conversationId,
      type: 'participants.removed',
      actorId,
      payload: () => ({ userIds: [userId], left }),
      recipients: [...remaining, userId],
    });
  }

  private async appendParticipantsAdded(
    tx: SqlExecutor,
    log: EventAppender,
    conversationId: string,
    actorId: string,
    added: string[],
    joined: boolean,
  ): Promise<void> {
    await this.repo.clearDistinct(tx, conversationId);
    const rows = (await this.repo.listParticipants([conversationId], tx)).filter((p) =>
      added.includes(p.user_id),
    );
    await log.append({
      conversationId,
      type: 'participants.added',
      actorId,
      payload: () => ({ participants: rows.map(toParticipant), joined }),
      recipients: await this.repo.participantIds(conversationId, tx),
    });
  }

  private async mustFind(id: string, exec: SqlExecutor): Promise<ConversationRow> {
    const row = await this.repo.findById(id, exec);
    if (!row) throw new NotFoundError('conversation not found');
    return row;
  }

  private async requireUsersExist(ids: string[], field: string): Promise<void> {
    const found = await this.repo.existingUserIds(ids);
    const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
    if (missing.length > 0) {
      const issues = missing.map(({ i }) => ({ path: `body.${field}.${i}`, message: 'no such user' }));
      throw new ValidationError(issues.map((x) => `${x.path}: ${x.message}`).join('; '), issues);
    }
  }
}
