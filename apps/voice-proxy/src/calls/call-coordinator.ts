import { isUniqueViolation, type Database, type SqlExecutor } from '@parley/db';
import { DelayedJobs, Topics, type EventBus } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { CallMetrics, type ServiceMetrics } from '@parley/service-kit';
import type { SendVoiceSignalRequest, VoiceSignalEvent } from '@parley/protocol';
import { MessagingUnavailableError, SignalRefusedError, type SignalSender } from '@parley/server-sdk';
import { randomUUID } from 'node:crypto';
import type { OperatorRoster as OperatorQueue } from '@parley/desk';
import { CallSignalRefusedError, missingPeerInfo, unexpectedKind } from './call-error.js';
import { CallEngine, type Decision } from './call-engine.js';
import type { ProxiedCall } from './call-record.js';
import { IllegalCallTransitionError } from './call-state.js';
import type { CallsRepository, LockedCall, PendingEffect } from './calls.repository.js';
import { callEndedEventId, derivedUuid, ringTimeoutJobId, signalIdOf } from './derived-ids.js';

export interface CallCoordinatorOptions {
  /** The proxy's client id: the line customers call. */
  lineId: string;
  ringTimeoutMs: number;
  now?: () => number;
  newId?: () => string;
  /** The service's metrics: calls not ended, signals sent to call legs. */
  metrics?: ServiceMetrics;
}

/**
 * Carries the engine's decisions out. Each signal or timer runs one transaction that locks the call
 * (`FOR UPDATE`, so transitions of one call never interleave across replicas), asks the engine, takes the
 * next operator from the queue when needed, and stores the new state with its effects. After commit the
 * effects are carried out in order and deleted one by one; what a crash or an outage leaves is carried out
 * later by `retryPendingEffects`, with the same signal ids.
 */
export class CallCoordinator {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly relayed: { inc(labels: { kind: string }): void } | undefined;

  constructor(
    private readonly db: Database,
    private readonly calls: CallsRepository,
    private readonly operators: OperatorQueue,
    private readonly messaging: SignalSender,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: CallCoordinatorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.relayed = options.metrics?.counter(CallMetrics.signalsRelayed);
    options.metrics?.sample(CallMetrics.activeCalls, () => this.calls.countOpen(this.db));
  }

  /** One `voice.signal.v1` event: signals to the line, and direct calls that reached nobody. */
  async routeSignal(signal: VoiceSignalEvent): Promise<void> {
    if (signal.toKind === 'client' && signal.to === this.options.lineId) return this.onSignalToLine(signal);
    if (signal.kind === 'start' && !signal.delivered && signal.issKind === 'user' && signal.toKind === 'user')
      return this.answerUnreachableCallee(signal);
  }

  /** The ring timer of one attempt fired. */
  async onRingTimeout(callRowId: string, attempt: number): Promise<void> {
    try {
      await this.decide(
        (tx) => this.calls.lockById(tx, callRowId),
        (call, now) => CallEngine.ringTimeout(call, attempt, now),
      );
    } catch (err) {
      if (!(err instanceof CallSignalRefusedError)) throw err;
      this.logger.warn({ call: callRowId, attempt }, 'ring timeout for an unknown call ignored');
    }
  }

  /** Carries out effects left behind (a failed send, a crash); returns how many calls were finished. */
  async retryPendingEffects(olderThanMs: number): Promise<number> {
    let done = 0;
    for (const id of await this.calls.callsWithPendingEffects(this.db, olderThanMs))
      if (
        await this.flush(id).catch(
          (err) => void this.logger.warn({ err, call: id }, 'pending effects failed again'),
        )
      )
        done += 1;
    return done;
  }

  private async onSignalToLine(signal: VoiceSignalEvent): Promise<void> {
    const log = this.logger.child({ cid: signal.cid, callId: signal.call_id, kind: signal.kind });
    try {
      if (signal.issKind !== 'user') throw unexpectedKind('only users call the line');
      const byKey = (tx: SqlExecutor) => this.calls.lockByCallKey(tx, signal.cid, signal.call_id);
      switch (signal.kind) {
        case 'start':
          return await this.startCall(signal);
        case 'accept': {
          const peerInfo = signal.peer_info;
          if (peerInfo === undefined) throw missingPeerInfo('an accept carries the SDP answer');
          return await this.decide(byKey, (call, now) => CallEngine.accept(call, signal.iss, peerInfo, now));
        }
        case 'busy':
          return await this.decide(byKey, (call, now) => CallEngine.decline(call, signal.iss, now));
        case 'stop':
          return await this.decide(byKey, (call, now) => CallEngine.stop(call, signal.iss, now));
        default:
          throw unexpectedKind(`the line takes no ${signal.kind} signal`);
      }
    } catch (err) {
      // Refused input changes nothing and is not retried; everything else is (by the bus).
      if (err instanceof CallSignalRefusedError || err instanceof IllegalCallTransitionError) {
        log.info({ reason: err.message }, 'signal to the line ignored');
        return;
      }
      throw err;
    }
  }

  /** A customer's `start`: a new call rung at the longest-idle operator, or busy. */
  private async startCall(signal: VoiceSignalEvent): Promise<void> {
    const peerInfo = signal.peer_info;
    if (peerInfo === undefined) throw missingPeerInfo('a start carries the SDP offer');
    const claimed: Array<{ operatorId: string; callRowId: string }> = [];
    let outcome: { opened: string } | { duplicate: string } | 'customer-busy';
    try {
      outcome = await this.db.transaction(async (tx) => {
        const existing = await this.calls.lockByCallKey(tx, signal.cid, signal.call_id);
        if (existing) return { duplicate: existing.call.id };
        if (await this.calls.hasOpenCall(tx, signal.iss)) return 'customer-busy' as const;
        const now = this.now();
        const call = CallEngine.open({
          id: this.newId(),
          cid: signal.cid,
          callId: signal.call_id,
          customerId: signal.iss,
          peerInfo,
          now,
        });
        await this.calls.insert(tx, call);
        const decision = await this.ringNext({ call, effects: [], next: 'ring-next' }, now, claimed);
        await this.calls.save(tx, decision.call, 0, decision.effects);
        return { opened: call.id };
      });
    } catch (err) {
      await this.releaseClaims(claimed);
      if (!isUniqueViolation(err)) throw err;
      // Another replica took the same start, or the customer's other call, at the same moment.
      outcome = 'customer-busy';
      const again = await this.db.transaction((tx) =>
        this.calls.lockByCallKey(tx, signal.cid, signal.call_id),
      );
      if (again) outcome = { duplicate: again.call.id };
    }
    if (outcome === 'customer-busy') {
      this.logger.info({ cid: signal.cid, callId: signal.call_id }, 'customer already in a call: busy');
      await this.sendDirect(signal, 'busy');
      return;
    }
    await this.flushOrThrow('opened' in outcome ? outcome.opened : outcome.duplicate);
  }

  /** A direct call between users that reached no device of the callee: the caller hears busy, a missed call is logged. */
  private async answerUnreachableCallee(signal: VoiceSignalEvent): Promise<void> {
    this.logger.info({ cid: signal.cid, callId: signal.call_id }, 'direct call reached nobody: busy');
    await this.sendDirect(signal, 'busy');
    await this.bus.publish(Topics.voiceCallEnded, {
      id: `voice-call-ended-direct-${signal.id}`,
      payload: {
        callId: signal.call_id,
        cid: signal.cid,
        callerId: signal.iss,
        endReason: 'no-answer',
        startedAt: signal.sentAt,
        answeredAt: null,
        endedAt: new Date(this.now()).toISOString(),
        durationSeconds: 0,
      },
    });
  }

  /** An answer to a signal outside any stored call; its id derives from the signal it answers. */
  private async sendDirect(signal: VoiceSignalEvent, kind: 'busy'): Promise<void> {
    try {
      await this.messaging.sendSignal({
        kind,
        to: signal.iss,
        cid: signal.cid,
        call_id: signal.call_id,
        id: derivedUuid('voice-proxy-answer', signal.id, kind),
      });
      this.relayed?.inc({ kind });
    } catch (err) {
      if (!(err instanceof SignalRefusedError)) throw err;
      this.logger.warn({ err, cid: signal.cid }, 'messaging refused the answer to a signal');
    }
  }

  /** Locks a call, lets the engine decide, stores the result with its effects, then carries them out. */
  private async decide(
    lock: (tx: SqlExecutor) => Promise<LockedCall | undefined>,
    decide: (call: ProxiedCall, now: number) => Decision,
  ): Promise<void> {
    const claimed: Array<{ operatorId: string; callRowId: string }> = [];
    let callRowId: string | undefined;
    try {
      callRowId = await this.db.transaction(async (tx) => {
        const locked = await lock(tx);
        if (!locked) throw new CallSignalRefusedError('unknown_call', 'no such call');
        const now = this.now();
        const decision = await this.ringNext(decide(locked.call, now), now, claimed);
        if (decision.effects.length > 0)
          await this.calls.save(tx, decision.call, locked.effectSeq, decision.effects);
        return locked.call.id;
      });
    } catch (err) {
      await this.releaseClaims(claimed);
      throw err;
    }
    // Also after a duplicate: the first delivery may have stored effects and failed to carry them out.
    await this.flushOrThrow(callRowId);
  }

  /** While the engine wants the next operator: take one from the queue and ring them, or give up. */
  private async ringNext(
    decision: Decision,
    now: number,
    claimed: Array<{ operatorId: string; callRowId: string }>,
  ): Promise<Decision> {
    let current = decision;
    const effects = [...decision.effects];
    while (current.next === 'ring-next') {
      const call = current.call;
      const tried = [call.customerId, ...call.attempts.map((a) => a.operatorId)];
      const operator = await this.operators.claimLongestIdle(call.id, tried);
      if (operator) claimed.push({ operatorId: operator.id, callRowId: call.id });
      current = operator ? CallEngine.ring(call, operator, now) : CallEngine.giveUp(call, now);
      effects.push(...current.effects);
    }
    return { call: current.call, effects, next: 'done' };
  }

  /** A failed transaction must not leave an operator marked as rung for a call that never was. */
  private async releaseClaims(claimed: Array<{ operatorId: string; callRowId: string }>): Promise<void> {
    for (const { operatorId, callRowId } of claimed)
      await this.operators
        .release(operatorId, callRowId, false)
        .catch((err) => this.logger.warn({ err, operatorId }, 'releasing an operator failed'));
  }

  private async flushOrThrow(callRowId: string): Promise<void> {
    if (!(await this.flush(callRowId)))
      throw new MessagingUnavailableError(`effects of call ${callRowId} could not all be carried out yet`);
  }

  /**
   * Carries out a call's pending effects in order under the call's lock, deleting each once done. A start
   * that reached no device of the operator rings the next one at once (a new transition, same transaction).
   * Returns false when something failed; what is left stays pending.
   */
  private async flush(callRowId: string): Promise<boolean> {
    const claimed: Array<{ operatorId: string; callRowId: string }> = [];
    try {
      return await this.db.transaction(async (tx) => {
        const locked = await this.calls.lockById(tx, callRowId);
        if (!locked) return true;
        let { call, effectSeq } = locked;
        const queue = await this.calls.pendingEffects(tx, callRowId);
        while (queue.length > 0) {
          const item = queue.shift()!;
          let followUp: Decision | undefined;
          try {
            followUp = await this.perform(call, item);
          } catch (err) {
            this.logger.warn(
              { err, call: call.id, effect: item.effect.type },
              'effect failed; kept for a retry',
            );
            return false;
          }
          await this.calls.clearEffect(tx, callRowId, item.seq);
          if (followUp) {
            const decision = await this.ringNext(followUp, this.now(), claimed);
            const before = effectSeq;
            effectSeq = await this.calls.save(tx, decision.call, effectSeq, decision.effects);
            call = decision.call;
            queue.push(...decision.effects.map((effect, i) => ({ seq: before + i + 1, effect })));
          }
        }
        return true;
      });
    } catch (err) {
      await this.releaseClaims(claimed);
      throw err;
    }
  }

  /** One effect; a ring that reached nobody returns the engine's decision about that. */
  private async perform(call: ProxiedCall, { seq, effect }: PendingEffect): Promise<Decision | undefined> {
    switch (effect.type) {
      case 'signal': {
        const request: SendVoiceSignalRequest = {
          kind: effect.kind,
          to: effect.to,
          cid: call.cid,
          call_id: call.callId,
          id: signalIdOf(call.id, seq),
          ...(effect.peerInfo !== undefined ? { peer_info: effect.peerInfo } : {}),
          ...(effect.data !== undefined ? { data: effect.data } : {}),
        };
        let delivered: boolean;
        try {
          delivered = (await this.messaging.sendSignal(request)).delivered;
          this.relayed?.inc({ kind: effect.kind });
        } catch (err) {
          if (!(err instanceof SignalRefusedError)) throw err;
          this.logger.warn({ err, call: call.id, kind: effect.kind }, 'messaging refused a signal; dropped');
          delivered = false;
        }
        if (effect.ringsAttempt !== undefined && !delivered) {
          this.logger.info(
            { call: call.id, operatorId: effect.to },
            'operator reached on no device: offline',
          );
          return CallEngine.operatorOffline(call, effect.ringsAttempt, this.now());
        }
        return undefined;
      }
      case 'scheduleRingTimeout':
        await this.bus.scheduleDelayed(
          DelayedJobs.voiceRingTimeout,
          ringTimeoutJobId(call.id, effect.attempt),
          { callId: call.id, attempt: effect.attempt },
          this.options.ringTimeoutMs,
        );
        return undefined;
      case 'cancelRingTimeout':
        await this.bus.cancelDelayed(DelayedJobs.voiceRingTimeout, ringTimeoutJobId(call.id, effect.attempt));
        return undefined;
      case 'releaseOperator':
        await this.operators.release(effect.operatorId, call.id, effect.offline);
        return undefined;
      case 'publishEnded':
        await this.bus.publish(Topics.voiceCallEnded, {
          id: callEndedEventId(call.id),
          payload: effect.event,
        });
        return undefined;
    }
  }
}
