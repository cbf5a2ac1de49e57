import { randomUUID } from 'node:crypto';
import type { Database } from '@parley/db';
import { DelayedJobs, type DelayedJob, type EventBus } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type {
  ProviderCall,
  PushNotificationPayload,
  StartVideoCallRequest,
  VideoInvite,
  VideoInviteStatus,
} from '@parley/protocol';
import { SignalRefusedError, type MessagingServerClient } from '@parley/server-sdk';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@parley/service-kit';
import { IllegalCallTransitionError } from '../calls/call-state.js';
import type { CallsService } from '../calls/calls.service.js';
import { askMessaging } from '../core/ask-messaging.js';
import type { PushService } from '../push/push.service.js';
import {
  assertInviteTransition,
  decideAfterTry,
  planRings,
  ringJobId,
  ringJobKind,
  ringJobsOf,
  stopSignalId,
  trySignalId,
  type TryResult,
} from './invite-rules.js';
import type { VideoInvitesConfig } from '../config/config.js';
import type { StoredInvite, VideoInvitesRepository } from './video-invites.repository.js';

export class InviteNotFoundError extends NotFoundError {
  override readonly code: string = 'video_invite_not_found';
}

export class InviteOverError extends ConflictError {
  override readonly code: string = 'video_invite_over';
}

/** How the last retry of a job is told apart: a job that throws is retried with the bus's backoff. */
export class MissedInviteNotifyError extends Error {
  override readonly name = 'MissedInviteNotifyError';
}

/**
 * Video invites, as the seed rings them: a call in the conversation, then up to `tries` `start` signals to
 * the callee within the window. "Not available" (no device connected) is ignored until the next try; any
 * refusal stops the invite as failed; no answer by the end of the window is a missed call (the call's
 * voip-link message says missed) and a Web Push to each of the callee's browsers.
 */
export class VideoInvitesService {
  constructor(
    private readonly db: Database,
    private readonly invites: VideoInvitesRepository,
    private readonly calls: CallsService,
    private readonly messaging: MessagingServerClient,
    private readonly bus: EventBus,
    private readonly push: PushService,
    private readonly config: VideoInvitesConfig,
    private readonly logger: Logger,
  ) {}

  /** `POST /v1/video/calls`: both people must take part in the conversation, as the caller sees it. */
  async start(callerId: string, authorization: string, req: StartVideoCallRequest): Promise<VideoInvite> {
    if (req.calleeId === callerId)
      throw new ValidationError('calleeId: nobody can video call themselves', [
        { path: 'calleeId', message: 'must be someone else' },
      ]);
    const conversation = await askMessaging(this.messaging.conversationAs(authorization, req.conversationId));
    if (!conversation) throw new NotFoundError('no such conversation');
    if (!conversation.participants.some((p) => p.userId === req.calleeId))
      throw new ForbiddenError('the callee is not a participant of this conversation');

    const created = await this.calls.createCall({
      conversationId: req.conversationId,
      createdBy: callerId,
      ...(req.provider ? { provider: req.provider } : {}),
      media: 'video',
    });
    const call = await this.calls.markRinging(created.id);
    const schedule = planRings(this.config.tries, this.config.windowMs);
    const invite = await this.db.transaction((tx) =>
      this.invites.insert(tx, {
        id: randomUUID(),
        callId: call.id,
        conversationId: req.conversationId,
        callerId,
        calleeId: req.calleeId,
        maxTries: this.config.tries,
        windowMs: this.config.windowMs,
      }),
    );
    // The end of the window is a timer in Redis before anything rings, so it fires in any replica and
    // after a restart: no invite can ring forever. Each timer has its own job id, so none moves another.
    const jobs = ringJobsOf(schedule);
    const giveUp = jobs.pop()!;
    await this.scheduleRing(invite.id, giveUp.ring, giveUp.delayMs);
    this.logger.info(
      { inviteId: invite.id, callId: call.id, calleeId: req.calleeId, schedule },
      'video invite created',
    );
    try {
      await this.ring(invite, 1, call);
    } catch (err) {
      // Messaging is away: the first try becomes a job of its own, retried with the bus's backoff.
      this.logger.warn({ err, inviteId: invite.id }, 'first video invite try failed; retrying it as a job');
      await this.scheduleRing(invite.id, 1, 0);
    }
    // The later tries are scheduled once the first is out (a refused one ended the invite: none are), at
    // their planned time since the invite was created; a slow first try moves none past the window.
    if ((await this.mustFind(invite.id)).status === 'inviting') {
      const elapsedMs = Date.now() - invite.createdAt.getTime();
      for (const job of jobs)
        await this.scheduleRing(invite.id, job.ring, Math.max(0, job.delayMs - elapsedMs));
    }
    return this.view(await this.mustFind(invite.id));
  }

  /** `GET /v1/video/calls/:id`: for the caller and the callee; anyone else is told it does not exist. */
  async get(userId: string, inviteId: string): Promise<VideoInvite> {
    const invite = await this.mustFind(inviteId);
    if (userId !== invite.callerId && userId !== invite.calleeId)
      throw new InviteNotFoundError('no such video invite');
    return this.view(invite);
  }

  /** `POST /v1/video/calls/:id/answer`: the callee takes the call; no more tries. */
  async answer(userId: string, inviteId: string): Promise<VideoInvite> {
    return this.respond(userId, inviteId, 'answered');
  }

  /** `POST /v1/video/calls/:id/decline`: the callee refuses; the call is over without having started. */
  async decline(userId: string, inviteId: string): Promise<VideoInvite> {
    return this.respond(userId, inviteId, 'declined');
  }

  /** `POST /v1/video/calls/:id/cancel`: the caller hangs up before an answer; no more tries. */
  async cancel(userId: string, inviteId: string): Promise<VideoInvite> {
    return this.respond(userId, inviteId, 'cancelled');
  }

  /**
   * The callee joined the invite's call through the provider: the invite is answered at once and its pending
   * tries are cancelled (finish), rather than at the next ring. Idempotent: an invite already over is left.
   */
  async answerWhenCalleeJoins(call: ProviderCall, identity: string): Promise<void> {
    const ringing = await this.invites.invitingForCall(this.db, call.id);
    for (const invite of ringing.filter((i) => i.calleeId === identity)) {
      const ended = await this.finish(invite.id, 'answered');
      if (ended) this.logger.info({ inviteId: invite.id, callId: call.id }, 'the callee joined the call');
    }
  }

  /** `invite.ring.v1`: the next try, or, once the tries are spent, the end of the window. */
  async runRingJob(job: DelayedJob<typeof DelayedJobs.inviteRing>): Promise<void> {
    const { inviteId, ring } = job.payload;
    const invite = await this.invites.find(this.db, inviteId);
    if (!invite) {
      this.logger.warn({ inviteId, ring }, 'ring job for an unknown video invite; dropped');
      return;
    }
    if (ringJobKind(ring, invite.maxTries) === 'give-up') {
      await this.giveUp(invite);
      return;
    }
    // A try already counted is sent again (a retried job): its signal id makes messaging ring nobody twice.
    if (invite.status !== 'inviting' || invite.tries > ring) return;
    await this.ring(invite, ring);
  }

  /**
   * One try: a `start` signal to the callee, from the gateway's machine client, on the conversation. The try
   * is counted before it is sent, under the invite's lock, so the end of the window never overtakes a try in
   * flight; its signal id is derived from the ring, so sending it again (a retried job) rings nobody twice.
   * A callee who already joined the call through the provider has answered, whatever the signal would say.
   */
  private async ring(invite: StoredInvite, ring: number, known?: ProviderCall): Promise<void> {
    const call = known ?? (await this.calls.byId(invite.callId));
    if (!call) throw new Error(`video invite ${invite.id}: its call ${invite.callId} is gone`);
    if (call.participants.includes(invite.calleeId)) {
      await this.finish(invite.id, 'answered');
      return;
    }
    const counted = await this.db.transaction(async (tx) => {
      const locked = await this.invites.lock(tx, invite.id);
      if (locked?.status !== 'inviting' || locked.tries > ring) return false;
      await this.invites.recordTry(tx, invite.id, ring);
      return true;
    });
    if (!counted) return;
    let result: TryResult;
    try {
      const sent = await this.messaging.sendSignal({
        kind: 'start',
        to: invite.calleeId,
        cid: invite.conversationId,
        call_id: invite.id,
        id: trySignalId(invite.id, ring),
        data: {
          video_invite: invite.id,
          call_id: call.id,
          room: call.roomId,
          provider: call.provider,
          caller_id: invite.callerId,
        },
      });
      result = sent.delivered ? { kind: 'delivered' } : { kind: 'not-available' };
    } catch (err) {
      if (!(err instanceof SignalRefusedError)) throw err;
      result = { kind: 'refused', error: err.message };
    }
    const decision = decideAfterTry(result);
    this.logger.info({ inviteId: invite.id, ring, result: result.kind }, 'video invite try');
    if (decision.stop) await this.finish(invite.id, 'failed', decision.lastError);
  }

  /**
   * The end of the window. An invite still ringing is missed (unless its callee joined through the
   * provider meanwhile). A missed invite's call is marked missed and the callee's browsers are notified;
   * both are retried by the job until done, and a browser notified once is not notified again.
   */
  private async giveUp(found: StoredInvite): Promise<void> {
    let invite = found;
    if (invite.status === 'inviting') {
      const call = await this.calls.byId(invite.callId);
      const outcome: VideoInviteStatus = call?.participants.includes(invite.calleeId) ? 'answered' : 'missed';
      invite = (await this.finish(invite.id, outcome)) ?? invite;
    }
    if (invite.status !== 'missed' || invite.missedEffectsDone) return;

    await this.markCallMissed(invite.callId);
    await this.stopRinging(invite);
    const payload: PushNotificationPayload = {
      type: 'video.missed',
      title: 'Missed video call',
      body: 'You missed a video call',
      conversationId: invite.conversationId,
      inviteId: invite.id,
    };
    const report = await this.push.notifyUser(
      invite.calleeId,
      payload,
      new Set(invite.pushedSubscriptionIds),
    );
    await this.invites.addPushed(this.db, invite.id, report.delivered);
    if (report.failed.length > 0)
      throw new MissedInviteNotifyError(
        `missed video invite ${invite.id}: ${report.failed.length} push(es) failed: ${report.failed
          .map((f) => f.error)
          .join('; ')}`,
      );
    await this.invites.markMissedEffectsDone(this.db, invite.id);
    this.logger.info(
      { inviteId: invite.id, pushed: report.delivered.length, removed: report.removed.length },
      'video invite missed',
    );
  }

  private async respond(
    userId: string,
    inviteId: string,
    outcome: 'answered' | 'declined' | 'cancelled',
  ): Promise<VideoInvite> {
    const invite = await this.mustFind(inviteId);
    if (userId !== invite.callerId && userId !== invite.calleeId)
      throw new InviteNotFoundError('no such video invite');
    if (outcome === 'cancelled' && userId !== invite.callerId)
      throw new ForbiddenError('only the caller cancels an invite');
    if (outcome !== 'cancelled' && userId !== invite.calleeId)
      throw new ForbiddenError('only the callee answers or declines an invite');
    const ended = await this.finish(inviteId, outcome);
    if (!ended) throw new InviteOverError(`the invite is ${(await this.mustFind(inviteId)).status}`);
    return this.view(ended);
  }

  /**
   * Ends a ringing invite (once: null when it had already ended), then stops its pending rings. A declined,
   * cancelled or failed invite's call never starts, so it is marked missed; an answered one is left to the
   * provider.
   */
  private async finish(
    inviteId: string,
    status: Exclude<VideoInviteStatus, 'inviting'>,
    lastError: string | null = null,
  ): Promise<StoredInvite | null> {
    const ended = await this.db.transaction(async (tx) => {
      const locked = await this.invites.lock(tx, inviteId);
      if (!locked || locked.status !== 'inviting') return null;
      assertInviteTransition(locked.status, status);
      return this.invites.end(tx, inviteId, status, new Date(), lastError);
    });
    if (!ended) return null;
    this.logger.info({ inviteId, status, lastError: ended.lastError }, 'video invite ended');
    if (status !== 'missed') await this.cancelPendingRings(ended);
    if (status === 'declined' || status === 'cancelled' || status === 'failed')
      await this.markCallMissed(ended.callId);
    // A missed invite's devices are told once its call is marked missed (giveUp).
    if (status !== 'failed' && status !== 'missed' && ended.tries > 0) await this.stopRinging(ended);
    return ended;
  }

  /**
   * Tells the callee's devices the invite is over (answered on another device, declined, cancelled, missed),
   * so none keeps ringing. Best effort: a device that misses it sees the invite's status when it asks.
   */
  private async stopRinging(invite: StoredInvite): Promise<void> {
    try {
      await this.messaging.sendSignal({
        kind: 'stop',
        to: invite.calleeId,
        cid: invite.conversationId,
        call_id: invite.id,
        id: stopSignalId(invite.id),
        data: { video_invite: invite.id, status: invite.status },
      });
    } catch (err) {
      this.logger.warn(
        { err, inviteId: invite.id },
        'could not tell the callee’s devices the invite is over',
      );
    }
  }

  private async scheduleRing(inviteId: string, ring: number, delayMs: number): Promise<void> {
    await this.bus.scheduleDelayed(
      DelayedJobs.inviteRing,
      ringJobId(inviteId, ring),
      { inviteId, ring },
      delayMs,
    );
  }

  private async cancelPendingRings(invite: StoredInvite): Promise<void> {
    for (let ring = 1; ring <= invite.maxTries + 1; ring++) {
      await this.bus.cancelDelayed(DelayedJobs.inviteRing, ringJobId(invite.id, ring)).catch((err: unknown) =>
        // A ring that still fires finds the invite over and does nothing.
        this.logger.warn({ err, inviteId: invite.id, ring }, 'could not cancel a pending ring'),
      );
    }
  }

  /** A call that started meanwhile (someone joined) is not missed: that is the provider's to end. */
  private async markCallMissed(callId: string): Promise<void> {
    try {
      await this.calls.markMissed(callId);
    } catch (err) {
      if (!(err instanceof IllegalCallTransitionError)) throw err;
      this.logger.info({ callId }, 'the invite’s call had started; not marked missed');
    }
  }

  private async mustFind(inviteId: string): Promise<StoredInvite> {
    const invite = await this.invites.find(this.db, inviteId);
    if (!invite) throw new InviteNotFoundError('no such video invite');
    return invite;
  }

  private async view(invite: StoredInvite): Promise<VideoInvite> {
    const call = await this.calls.byId(invite.callId);
    if (!call) throw new Error(`video invite ${invite.id}: its call ${invite.callId} is gone`);
    return {
      id: invite.id,
      call,
      callerId: invite.callerId,
      calleeId: invite.calleeId,
      status: invite.status,
      tries: invite.tries,
      maxTries: invite.maxTries,
      windowSeconds: Math.max(1, Math.ceil(invite.windowMs / 1000)),
      createdAt: invite.createdAt.toISOString(),
      endedAt: invite.endedAt?.toISOString() ?? null,
      lastError: invite.lastError,
    };
  }
}
