import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hasScopes, Scopes, type Principal } from '@parley/auth';
import { Topics, type EventBus, type RealtimeFanout } from '@parley/event-bus';
import {
  VoiceSignal,
  type SendVoiceSignalRequest,
  type SendVoiceSignalResponse,
  type ServerFrame,
  type VoiceIdentityKind,
} from '@parley/protocol';
import { CallMetrics, ServiceMetrics } from '@parley/service-kit';
import type { Redis } from 'ioredis';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { IdentityService } from '../identity/identity.service.js';
import { EVENT_BUS, REALTIME_FANOUT, REDIS } from '../infrastructure/tokens.js';
import { identityChannel } from '../realtime/channels.js';
import { CallLegGrants } from './call-leg-grants.js';
import { SentSignals } from './sent-signals.js';

/**
 * Voice negotiation signals: addressed to one identity, delivered live to all its connections, published on
 * the bus for the voice proxy, and never stored in a conversation's history.
 */
@Injectable()
export class VoiceService {
  private readonly legs: CallLegGrants;
  private readonly sentSignals: SentSignals;
  private readonly relayed: ReturnType<ServiceMetrics['counter']>;

  constructor(
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(REDIS) redis: Redis,
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
  ) {
    this.relayed = metrics.counter(CallMetrics.signalsRelayed);
    this.legs = new CallLegGrants(redis, config.redis.prefix);
    this.sentSignals = new SentSignals(redis, config.redis.prefix);
  }

  async sendSignal(sender: Principal, req: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse> {
    const issKind = this.authoriseIssuer(sender);
    if (req.to === sender.subject)
      throw new ValidationError('to: a signal cannot be sent to its issuer', [
        { path: 'to', message: 'a signal cannot be sent to its issuer' },
      ]);
    const toKind = await this.recipientKind(req.to);

    if (issKind === 'user') await this.authoriseUserSignal(sender.subject, toKind, req);
    // The proxy speaks for the call: whoever it rings may answer on this call.
    else if (toKind === 'user') await this.legs.grant(req.cid, req.call_id, req.to);

    const signal: VoiceSignal = VoiceSignal.parse({
      id: req.id ?? randomUUID(),
      kind: req.kind,
      iss: sender.subject,
      issKind,
      to: req.to,
      toKind,
      cid: req.cid,
      call_id: req.call_id,
      ...(req.peer_info !== undefined ? { peer_info: req.peer_info } : {}),
      ...(req.data !== undefined ? { data: req.data } : {}),
      sentAt: new Date().toISOString(),
    });
    const delivered = await this.deliverLiveOnce(signal, req.id !== undefined);
    // Scoped by issuer, so nobody can suppress another's signal by reusing its id; a retry is queued once.
    await this.bus.publish(Topics.voiceSignal, {
      id: busEventIdOf(signal),
      payload: { ...signal, delivered },
    });
    this.relayed.inc({ kind: signal.kind });
    return { signal, delivered };
  }

  /**
   * Publishes the signal to the recipient's live channel, once per issuer and id: a retried send (say,
   * after the bus was unreachable) is answered with the first try's outcome and rings nobody twice.
   */
  private async deliverLiveOnce(signal: VoiceSignal, retryable: boolean): Promise<boolean> {
    const frame: ServerFrame = { type: 'voice', signal };
    const publish = async () =>
      (await this.fanout.publish(identityChannel(signal.toKind, signal.to), JSON.stringify(frame))) > 0;
    if (!retryable) return publish();
    const first = await this.sentSignals.claim(signal.issKind, signal.iss, signal.id);
    if (first === 'claimed') {
      const delivered = await publish();
      await this.sentSignals.settle(signal.issKind, signal.iss, signal.id, delivered);
      return delivered;
    }
    return first.delivered ?? (await publish());
  }

  private authoriseIssuer(sender: Principal): VoiceIdentityKind {
    if (sender.kind === 'client') {
      if (!hasScopes(sender, [Scopes.voiceProxy]))
        throw new ForbiddenError(
          `a machine client needs the ${Scopes.voiceProxy} scope to send voice signals`,
        );
      return 'client';
    }
    if (!hasScopes(sender, [Scopes.callControl]))
      throw new ForbiddenError(`voice signals need the ${Scopes.callControl} scope`);
    return 'user';
  }

  /**
   * A user speaks on a conversation they take part in, or on a call a voice proxy rang them for. They may
   * address the conversation's other participants, or a voice proxy, never a stranger.
   */
  private async authoriseUserSignal(
    userId: string,
    toKind: VoiceIdentityKind,
    req: SendVoiceSignalRequest,
  ): Promise<void> {
    if (toKind === 'client' && !(await this.identity.isVoiceProxy(req.to)))
      throw new NotFoundError('recipient not found');
    const participants = await this.conversations.participantIds(req.cid);
    if (participants.includes(userId)) {
      if (toKind === 'user' && !participants.includes(req.to))
        throw new ForbiddenError('the recipient is not a participant of this conversation');
      return;
    }
    // Rung by a proxy: they answer the proxy, never the people behind it, whom they must not learn.
    if (!(await this.legs.isGranted(req.cid, req.call_id, userId)))
      throw new ForbiddenError('not a participant of this conversation or call');
    if (toKind === 'user')
      throw new ForbiddenError('on a proxied call, signals go to the voice proxy, not to the other party');
  }

  private async recipientKind(to: string): Promise<VoiceIdentityKind> {
    if (await this.identity.userExists(to)) return 'user';
    if (await this.identity.clientExists(to)) return 'client';
    throw new NotFoundError('recipient not found');
  }
}

/** The bus job id of a signal: its id scoped by issuer (hashed, as client ids may hold `:`, which job ids may not). */
function busEventIdOf(signal: VoiceSignal): string {
  const issuer = createHash('sha256')
    .update(`${signal.issKind}/${signal.iss}`)
    .digest('base64url')
    .slice(0, 22);
  return `voice-signal-${issuer}-${signal.id}`;
}
