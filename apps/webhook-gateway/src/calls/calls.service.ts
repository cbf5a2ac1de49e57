import { randomUUID } from 'node:crypto';
import type { Principal } from '@parley/auth';
import type { Database, SqlExecutor } from '@parley/db';
import { Topics } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type { OutboxRelay, OutboxRepository } from '@parley/outbox';
import type {
  CallMedia,
  ProviderCall,
  ProviderCallJoin,
  ProviderEvent,
  ProviderEventType,
  StartProviderCallRequest,
  VoipLinkBody,
} from '@parley/protocol';
import type { MessagingServerClient } from '@parley/server-sdk';
import { ForbiddenError, NotFoundError } from '@parley/service-kit';
import { askMessaging } from '../core/ask-messaging.js';
import { PARLEY_PROVIDER } from '../providers/parley/parley-adapter.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ProviderEventInbox } from '../webhooks/provider-event-inbox.js';
import { applyToCall, type CallInput, type CallState } from './call-state.js';
import type { CallsRepository, VersionedCall } from './calls.repository.js';

/** How long a join's access token lasts. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

export class CallNotFoundError extends NotFoundError {
  override readonly code: string = 'call_not_found';
}

/**
 * Told after a `participant.joined` is applied to its call. Also told when the event had been applied
 * already (a retried bus job), so a listener that failed is told again: listeners must be idempotent.
 */
export type ParticipantJoinedListener = (call: ProviderCall, identity: string) => Promise<void>;

/** The voip-link message body of a call: what every device renders the call button from. */
export function voipLinkOf(call: ProviderCall): VoipLinkBody {
  return {
    provider: call.provider,
    callId: call.roomId,
    ...(call.joinUrl ? { joinUrl: call.joinUrl } : {}),
    status: call.status,
    media: call.media,
    participants: call.participants,
    gatewayCallId: call.id,
    ...(call.startedAt ? { startedAt: call.startedAt } : {}),
    ...(call.endedAt ? { endedAt: call.endedAt } : {}),
    ...(call.durationSeconds !== null ? { durationSeconds: call.durationSeconds } : {}),
  };
}

function stateOf({ call, lastSeen }: VersionedCall): CallState {
  return {
    status: call.status,
    participants: call.participants,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    durationSeconds: call.durationSeconds,
    lastSeen,
  };
}

/** The public record after a change (the bookkeeping of CallState stays in the row). */
function callWith(call: ProviderCall, next: CallState): ProviderCall {
  return {
    ...call,
    status: next.status,
    participants: next.participants,
    startedAt: next.startedAt,
    endedAt: next.endedAt,
    durationSeconds: next.durationSeconds,
  };
}

/**
 * Provider calls in conversations: starting one (a room at the provider, the record, the voip-link message),
 * who may see and join it, and every change of its status. Each change is stored with its
 * `provider.call.updated.v1` outbox row in one transaction; messaging turns that into the voip-link message.
 */
export class CallsService {
  private readonly participantJoinedListeners: ParticipantJoinedListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly calls: CallsRepository,
    private readonly registry: ProviderRegistry,
    private readonly messaging: MessagingServerClient,
    private readonly inbox: ProviderEventInbox,
    private readonly outbox: OutboxRepository,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
    private readonly logger: Logger,
    private readonly defaultProvider: string,
  ) {}

  /** `POST /v1/calls`: the caller must take part in the conversation (messaging decides, as them). */
  /** `provider` undefined: the deployment's DEFAULT_PROVIDER. */
  async start(
    principal: Principal,
    authorization: string,
    request: Omit<StartProviderCallRequest, 'provider'> & { provider: string | undefined },
  ): Promise<ProviderCall> {
    const user = this.userOf(principal);
    // Unknown provider first: it costs nothing and says more than a conversation lookup would.
    this.registry.get(request.provider ?? this.defaultProvider);
    if (!(await askMessaging(this.messaging.conversationAs(authorization, request.conversationId))))
      throw new NotFoundError('no such conversation');
    return this.createCall({
      conversationId: request.conversationId,
      createdBy: user,
      provider: request.provider,
      media: request.media,
    });
  }

  /**
   * A call in a conversation, for a caller who was already checked: the room at the provider, the record,
   * and the first `provider.call.updated.v1` (status created), which makes messaging post the voip-link
   * message from `createdBy`.
   */
  async createCall(input: {
    conversationId: string;
    createdBy: string;
    provider?: string;
    media: CallMedia;
  }): Promise<ProviderCall> {
    const adapter = this.registry.get(input.provider ?? this.defaultProvider);
    const id = randomUUID();
    const room = await adapter.createRoom({ callId: id, media: input.media });
    const call: ProviderCall = {
      id,
      provider: adapter.name,
      roomId: room.roomId,
      conversationId: input.conversationId,
      createdBy: input.createdBy,
      media: input.media,
      joinUrl: room.joinUrl,
      status: 'created',
      participants: [],
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
    };
    await this.db.transaction(async (tx) => {
      await this.calls.insert(tx, call);
      await this.enqueueUpdate(tx, call, 1);
    });
    this.relay.nudge();
    this.logger.info({ callId: id, provider: adapter.name, roomId: room.roomId }, 'provider call created');
    return call;
  }

  /** `GET /v1/calls/:id`: for participants of the call's conversation only (others get 404). */
  async get(principal: Principal, authorization: string, id: string): Promise<ProviderCall> {
    this.userOf(principal);
    return this.visibleCall(authorization, id);
  }

  /** An access token for the caller's identity (their user id); on the built-in provider also "joined". */
  async join(principal: Principal, authorization: string, id: string): Promise<ProviderCallJoin> {
    const user = this.userOf(principal);
    const call = await this.visibleCall(authorization, id);
    const adapter = this.registry.get(call.provider);
    const access = await adapter.accessToken({
      identity: user,
      roomId: call.roomId,
      ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    });
    if (call.provider === PARLEY_PROVIDER) await this.reportForParley(call, 'participant.joined', user);
    return {
      call,
      access: {
        provider: call.provider,
        identity: access.identity,
        token: access.token,
        expires_at: access.expiresAt,
      },
    };
  }

  /** The caller left; on the built-in provider the last one out ends the call. */
  async leave(principal: Principal, authorization: string, id: string): Promise<ProviderCall> {
    const user = this.userOf(principal);
    const call = await this.visibleCall(authorization, id);
    if (call.provider === PARLEY_PROVIDER) await this.reportForParley(call, 'participant.left', user);
    return call;
  }

  /** Ends the room at the provider and the call for everyone. */
  async end(principal: Principal, authorization: string, id: string): Promise<ProviderCall> {
    this.userOf(principal);
    const call = await this.visibleCall(authorization, id);
    if (call.status === 'ended' || call.status === 'missed') return call;
    await this.registry.get(call.provider).endRoom(call.roomId);
    await this.inbox.accept([
      {
        provider: call.provider,
        eventId: `gateway-end-${call.id}`,
        type: 'call.ended',
        roomId: call.roomId,
        occurredAt: new Date().toISOString(),
      },
    ]);
    return call;
  }

  /** The call is ringing someone (video invites). */
  async markRinging(callId: string): Promise<ProviderCall> {
    return this.applyLocal(callId, { type: 'ringing', occurredAt: new Date().toISOString() });
  }

  /** Nobody answered (video invites): the call is over without having started. */
  async markMissed(callId: string): Promise<ProviderCall> {
    return this.applyLocal(callId, { type: 'missed', occurredAt: new Date().toISOString() });
  }

  /**
   * For modules waiting on someone joining a call (a video invite is answered when its callee joins). A
   * listener that throws fails the provider event's job, which the bus retries.
   */
  onParticipantJoined(listener: ParticipantJoinedListener): void {
    this.participantJoinedListeners.push(listener);
  }

  /** A call by id, without any access check (for modules that checked already). */
  async byId(callId: string): Promise<ProviderCall | null> {
    return (await this.calls.byId(this.db, callId))?.call ?? null;
  }

  /**
   * A stored provider event (`provider.event.v1`), applied to its call. An event for a room the gateway
   * never created is logged and dropped: providers also report rooms made outside Parley.
   */
  async applyProviderEvent(event: ProviderEvent): Promise<ProviderCall | null> {
    const endWhenLastLeaves = event.provider === PARLEY_PROVIDER;
    const result = await this.db.transaction(async (tx) => {
      const found = await this.calls.byRoomForUpdate(tx, event.provider, event.roomId);
      if (!found) return { kind: 'unknown-room' as const };
      const change = applyToCall(stateOf(found), event, { endWhenLastLeaves });
      if (!change.changed) return { kind: 'unchanged' as const, reason: change.reason, call: found.call };
      return { kind: 'changed' as const, call: await this.saveChange(tx, found.call, change.next) };
    });
    const context = {
      provider: event.provider,
      roomId: event.roomId,
      eventId: event.eventId,
      type: event.type,
    };
    if (result.kind === 'unknown-room') {
      this.logger.info(context, 'provider event for a room the gateway does not know; ignored');
      return null;
    }
    if (result.kind === 'unchanged') {
      this.logger.info(
        { ...context, callId: result.call.id, reason: result.reason },
        'provider event changed nothing',
      );
    } else {
      this.relay.nudge();
      this.logger.info(
        { ...context, callId: result.call.id, status: result.call.status },
        'provider call updated',
      );
    }
    await this.tellParticipantJoined(result.call, event);
    return result.call;
  }

  private async tellParticipantJoined(call: ProviderCall, event: ProviderEvent): Promise<void> {
    if (event.type !== 'participant.joined' || !event.identity) return;
    if (!call.participants.includes(event.identity)) return;
    for (const listener of this.participantJoinedListeners) await listener(call, event.identity);
  }

  private async applyLocal(callId: string, input: CallInput): Promise<ProviderCall> {
    const call = await this.db.transaction(async (tx) => {
      const found = await this.calls.byId(tx, callId, { lock: true });
      if (!found) throw new CallNotFoundError(`no call ${callId}`);
      const change = applyToCall(stateOf(found), input, { endWhenLastLeaves: false });
      return change.changed ? this.saveChange(tx, found.call, change.next) : found.call;
    });
    this.relay.nudge();
    return call;
  }

  /** Saves the new state; announces it only when the voip-link message would show something new. */
  private async saveChange(tx: SqlExecutor, call: ProviderCall, next: CallState): Promise<ProviderCall> {
    const version = await this.calls.saveState(tx, call.id, next);
    const updated = callWith(call, next);
    if (JSON.stringify(voipLinkOf(updated)) !== JSON.stringify(voipLinkOf(call)))
      await this.enqueueUpdate(tx, updated, version);
    return updated;
  }

  private async enqueueUpdate(tx: SqlExecutor, call: ProviderCall, version: number): Promise<void> {
    await this.outbox.enqueue(tx, {
      topic: Topics.providerCallUpdated,
      eventId: `call-${call.id}-v${version}`,
      payload: {
        callId: call.id,
        conversationId: call.conversationId,
        createdBy: call.createdBy,
        voipLink: voipLinkOf(call),
      },
    });
  }

  /** The built-in provider's participant facts take the webhooks' path: stored, queued, applied. */
  private async reportForParley(
    call: ProviderCall,
    type: ProviderEventType,
    identity: string,
  ): Promise<void> {
    await this.inbox.accept([
      {
        provider: PARLEY_PROVIDER,
        eventId: `gateway-${type}-${randomUUID()}`,
        type,
        roomId: call.roomId,
        identity,
        occurredAt: new Date().toISOString(),
      },
    ]);
  }

  private async visibleCall(authorization: string, id: string): Promise<ProviderCall> {
    const found = await this.calls.byId(this.db, id);
    if (!found) throw new CallNotFoundError('no such call');
    if (!(await askMessaging(this.messaging.conversationAs(authorization, found.call.conversationId))))
      throw new CallNotFoundError('no such call');
    return found.call;
  }

  /** Calls belong to people: a machine client has no identity to join with. */
  private userOf(principal: Principal): string {
    if (principal.kind !== 'user') throw new ForbiddenError('calls are for signed-in users');
    return principal.subject;
  }
}
