import type {
  VoiceAttemptOutcome,
  VoiceCallEndedEvent,
  VoiceData,
  VoiceEndReason,
  VoiceSignalKind,
} from '@parley/protocol';
import { notInCall } from './call-error.js';
import { CUSTOMER_NAME, durationSeconds, type OperatorChoice, type ProxiedCall } from './call-record.js';
import { assertTransition, IllegalCallTransitionError } from './call-state.js';

/**
 * What the proxy must do after a decision. Stored with the state change in one transaction and carried out
 * after commit, in order, so a crash between the two re-does them (signals keep their ids).
 */
export type Effect =
  | {
      type: 'signal';
      to: string;
      kind: VoiceSignalKind;
      peerInfo?: string;
      data?: VoiceData;
      /** Set on the `start` that rings an operator: its delivery tells whether they are online. */
      ringsAttempt?: number;
    }
  | { type: 'scheduleRingTimeout'; attempt: number }
  | { type: 'cancelRingTimeout'; attempt: number }
  /** The operator leaves the call: back to the idle queue, or out of it when they turned out offline. */
  | { type: 'releaseOperator'; operatorId: string; offline: boolean }
  | { type: 'publishEnded'; event: VoiceCallEndedEvent };

export interface Decision {
  call: ProxiedCall;
  effects: Effect[];
  /** `ring-next`: the caller must pick the next operator and call `ring` (or `giveUp` when none is left). */
  next: 'ring-next' | 'done';
}

export interface OpenCallInput {
  id: string;
  cid: string;
  callId: string;
  customerId: string;
  peerInfo: string;
  now: number;
}

const unchanged = (call: ProxiedCall): Decision => ({ call, effects: [], next: 'done' });

/**
 * Pure call routing for support calls: given a call and what happened (a signal, a timeout, an offline
 * operator), decides the next state and the effects. No I/O here, so every move is testable without
 * PostgreSQL, Redis or messaging. Everything sent goes out with the proxy as issuer: the customer learns the
 * operator's display name only, the operator learns nothing about the customer.
 */
export const CallEngine = {
  /** A customer's `start` to the line: a call with no operator yet. */
  open(input: OpenCallInput): ProxiedCall {
    return {
      id: input.id,
      cid: input.cid,
      callId: input.callId,
      customerId: input.customerId,
      customerPeerInfo: input.peerInfo,
      state: 'idle',
      operatorId: null,
      operatorName: null,
      attempts: [],
      startedAt: input.now,
      answeredAt: null,
      endedAt: null,
      endReason: null,
    };
  },

  /** Rings `operator`: the timer first (so an offline operator's cancel comes after it), then setup and start. */
  ring(call: ProxiedCall, operator: OperatorChoice, now: number): Decision {
    assertTransition(call.state, 'ringing');
    const attempt = call.attempts.length + 1;
    const data = { caller_name: CUSTOMER_NAME };
    return {
      call: {
        ...call,
        state: 'ringing',
        operatorId: operator.id,
        operatorName: operator.displayName,
        attempts: [...call.attempts, { operatorId: operator.id, rungAt: now, outcome: 'ringing' }],
      },
      effects: [
        { type: 'scheduleRingTimeout', attempt },
        { type: 'signal', to: operator.id, kind: 'setup', data },
        {
          type: 'signal',
          to: operator.id,
          kind: 'start',
          peerInfo: call.customerPeerInfo,
          data,
          ringsAttempt: attempt,
        },
      ],
      next: 'done',
    };
  },

  /** Nobody (else) to ring: the customer hears busy and the call ends. */
  giveUp(call: ProxiedCall, now: number): Decision {
    // Only a call nobody answered is given up; an answered one ends with a hang-up.
    if (call.state === 'active') throw new IllegalCallTransitionError(call.state, 'ended');
    const reason = reasonWithoutAnswer(call);
    return end(call, now, reason, [signal(call.customerId, 'busy')]);
  },

  /** The rung operator answers: the customer gets their SDP answer and display name. */
  accept(call: ProxiedCall, from: string, peerInfo: string, now: number): Decision {
    if (from === call.operatorId && call.state === 'ringing') {
      assertTransition(call.state, 'active');
      const attempt = call.attempts.length;
      return {
        call: {
          ...call,
          state: 'active',
          answeredAt: now,
          attempts: withOutcome(call, 'answered'),
        },
        effects: [
          { type: 'cancelRingTimeout', attempt },
          {
            type: 'signal',
            to: call.customerId,
            kind: 'accept',
            peerInfo,
            data: { operator_name: call.operatorName ?? 'Support' },
          },
        ],
        next: 'done',
      };
    }
    // A second accept from whoever answered, or one that arrives after the end: already handled.
    if (from === call.operatorId) return unchanged(call);
    // An operator whose turn is over (timed out, declined) answers late: they must hang up.
    if (wasRung(call, from)) return { call, effects: [signal(from, 'stop')], next: 'done' };
    throw notInCall('only the operator being rung can accept this call');
  },

  /** The rung operator declines (`busy`): the next one is rung. */
  decline(call: ProxiedCall, from: string, now: number): Decision {
    if (call.state === 'ringing' && from === call.operatorId) return moveOn(call, 'declined', now, []);
    if (from === call.operatorId || wasRung(call, from)) return unchanged(call);
    throw notInCall('only the operator being rung can decline this call');
  },

  /** The ring timer of `attempt` fired; stale timers (an answered, declined or ended attempt) do nothing. */
  ringTimeout(call: ProxiedCall, attempt: number, now: number): Decision {
    if (call.state !== 'ringing' || attempt !== call.attempts.length) return unchanged(call);
    return moveOn(call, 'no-answer', now, [signal(call.operatorId!, 'stop')]);
  },

  /** Ringing `attempt` reached no device of the operator: they are offline, the next one is rung at once. */
  operatorOffline(call: ProxiedCall, attempt: number, now: number): Decision {
    if (call.state !== 'ringing' || attempt !== call.attempts.length) return unchanged(call);
    return moveOn(call, 'offline', now, []);
  },

  /** Either side hangs up. */
  stop(call: ProxiedCall, from: string, now: number): Decision {
    if (call.state === 'ended') return unchanged(call);
    const fromCustomer = from === call.customerId;
    const fromOperator = from === call.operatorId && call.operatorId !== null;
    if (call.state === 'ringing') {
      if (fromCustomer) {
        const attempt = call.attempts.length;
        const operatorId = call.operatorId!;
        return end({ ...call, attempts: withOutcome(call, 'cancelled') }, now, 'caller-cancelled', [
          { type: 'cancelRingTimeout', attempt },
          signal(operatorId, 'stop'),
        ]);
      }
      // An operator hanging up while it rings declines the call.
      if (fromOperator) return moveOn(call, 'declined', now, []);
    }
    if (call.state === 'active' && (fromCustomer || fromOperator)) {
      const other = fromCustomer ? call.operatorId! : call.customerId;
      return end(call, now, 'completed', [signal(other, 'stop')]);
    }
    if (call.state === 'idle' && fromCustomer) return end(call, now, 'caller-cancelled', []);
    if (wasRung(call, from)) return unchanged(call);
    throw notInCall('only the customer or the operator of this call can stop it');
  },
};

/** The current attempt ends with `outcome`; the operator goes back to the queue and the next is wanted. */
function moveOn(
  call: ProxiedCall,
  outcome: Extract<VoiceAttemptOutcome, 'declined' | 'no-answer' | 'offline'>,
  _now: number,
  effects: Effect[],
): Decision {
  const attempt = call.attempts.length;
  const operatorId = call.operatorId!;
  const cancel: Effect[] = outcome === 'no-answer' ? [] : [{ type: 'cancelRingTimeout', attempt }];
  return {
    call: { ...call, operatorId: null, operatorName: null, attempts: withOutcome(call, outcome) },
    effects: [...cancel, ...effects, { type: 'releaseOperator', operatorId, offline: outcome === 'offline' }],
    next: 'ring-next',
  };
}

/** Ends the call: the given effects, then the operator's release, a summary to each party, the bus event. */
function end(call: ProxiedCall, now: number, reason: VoiceEndReason, effects: Effect[]): Decision {
  assertTransition(call.state, 'ended');
  const ended: ProxiedCall = { ...call, state: 'ended', endedAt: now, endReason: reason };
  const duration = durationSeconds(ended);
  const summary = { duration_seconds: duration, end_reason: reason };
  const all: Effect[] = [...effects];
  const answered = call.state === 'active';
  if (call.operatorId !== null)
    all.push({ type: 'releaseOperator', operatorId: call.operatorId, offline: false });
  all.push(signal(call.customerId, 'summary', summary));
  if (answered && call.operatorId !== null) all.push(signal(call.operatorId, 'summary', summary));
  all.push({ type: 'publishEnded', event: endedEvent(ended, reason, now, duration) });
  // Who answered stays on the record; a call that ended while ringing names no operator.
  return {
    call: answered ? ended : { ...ended, operatorId: null, operatorName: null },
    effects: all,
    next: 'done',
  };
}

function endedEvent(
  call: ProxiedCall,
  reason: VoiceEndReason,
  now: number,
  duration: number,
): VoiceCallEndedEvent {
  return {
    callId: call.callId,
    cid: call.cid,
    callerId: call.customerId,
    endReason: reason,
    startedAt: new Date(call.startedAt).toISOString(),
    answeredAt: call.answeredAt === null ? null : new Date(call.answeredAt).toISOString(),
    endedAt: new Date(now).toISOString(),
    durationSeconds: duration,
  };
}

/** Why a call nobody answered ended: what the last operator who was really rung did, busy when nobody was. */
function reasonWithoutAnswer(call: ProxiedCall): VoiceEndReason {
  for (const attempt of [...call.attempts].reverse()) {
    if (attempt.outcome === 'declined') return 'declined';
    if (attempt.outcome === 'no-answer') return 'no-answer';
  }
  return 'busy';
}

function withOutcome(call: ProxiedCall, outcome: VoiceAttemptOutcome): ProxiedCall['attempts'] {
  return call.attempts.map((a, i) => (i === call.attempts.length - 1 ? { ...a, outcome } : a));
}

function wasRung(call: ProxiedCall, who: string): boolean {
  return call.attempts.some((a) => a.operatorId === who);
}

function signal(to: string, kind: VoiceSignalKind, data?: VoiceData): Effect {
  return data === undefined ? { type: 'signal', to, kind } : { type: 'signal', to, kind, data };
}
