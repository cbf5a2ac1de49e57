import { describe, expect, it } from 'vitest';
import { VoiceCallEndedEvent } from '@parley/protocol';
import { CallSignalRefusedError } from './call-error.js';
import { CallEngine, type Decision, type Effect } from './call-engine.js';
import type { ProxiedCall } from './call-record.js';
import {
  CallTransitions,
  IllegalCallTransitionError,
  assertTransition,
  type CallState,
} from './call-state.js';

const CUSTOMER = '11111111-1111-4111-8111-111111111111';
const OP1 = { id: '22222222-2222-4222-8222-222222222222', displayName: 'Bob' };
const OP2 = { id: '33333333-3333-4333-8333-333333333333', displayName: 'Carol' };
const STRANGER = '44444444-4444-4444-8444-444444444444';
const CID = '55555555-5555-4555-8555-555555555555';
const T0 = Date.parse('2026-01-01T10:00:00.000Z');

function opened(): ProxiedCall {
  return CallEngine.open({
    id: '66666666-6666-4666-8666-666666666666',
    cid: CID,
    callId: 'call-1',
    customerId: CUSTOMER,
    peerInfo: 'offer-sdp',
    now: T0,
  });
}

const ringingOp1 = () => CallEngine.ring(opened(), OP1, T0).call;
const activeWithOp1 = () => CallEngine.accept(ringingOp1(), OP1.id, 'answer-sdp', T0 + 2000).call;

/** The signals of a decision as [to, kind] pairs, in order. */
function signals(effects: Effect[]): Array<[string, string]> {
  return effects.flatMap((e) => (e.type === 'signal' ? [[e.to, e.kind] as [string, string]] : []));
}

function other(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'signal' ? [] : [e.type]));
}

function endedEvent(d: Decision) {
  const e = d.effects.find((x) => x.type === 'publishEnded');
  return e?.type === 'publishEnded' ? VoiceCallEndedEvent.parse(e.event) : undefined;
}

describe('the transition table', () => {
  it('allows exactly idle→ringing|ended, ringing→ringing|active|ended, active→ended', () => {
    const allowed: Array<[CallState, CallState]> = [
      ['idle', 'ringing'],
      ['idle', 'ended'],
      ['ringing', 'ringing'],
      ['ringing', 'active'],
      ['ringing', 'ended'],
      ['active', 'ended'],
    ];
    const states = Object.keys(CallTransitions) as CallState[];
    for (const from of states)
      for (const to of states) {
        const legal = allowed.some(([f, t]) => f === from && t === to);
        if (legal) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(IllegalCallTransitionError);
      }
  });

  it('names both states in the error', () => {
    expect(() => assertTransition('ended', 'active')).toThrow('a call cannot go from ended to active');
  });
});

describe('idle → ringing: an operator is rung', () => {
  it('arms the ring timer, then sends setup and start with the customer SDP and "Customer" as caller name', () => {
    const d = CallEngine.ring(opened(), OP1, T0);
    expect(d.call).toMatchObject({ state: 'ringing', operatorId: OP1.id, operatorName: 'Bob' });
    expect(d.call.attempts).toEqual([{ operatorId: OP1.id, rungAt: T0, outcome: 'ringing' }]);
    expect(d.effects).toEqual([
      { type: 'scheduleRingTimeout', attempt: 1 },
      { type: 'signal', to: OP1.id, kind: 'setup', data: { caller_name: 'Customer' } },
      {
        type: 'signal',
        to: OP1.id,
        kind: 'start',
        peerInfo: 'offer-sdp',
        data: { caller_name: 'Customer' },
        ringsAttempt: 1,
      },
    ]);
  });

  it('the operator learns nothing about the customer: no id or name of theirs in what is sent', () => {
    const d = CallEngine.ring(opened(), OP1, T0);
    expect(JSON.stringify(d.effects)).not.toContain(CUSTOMER);
  });
});

describe('idle → ended: nobody to ring', () => {
  it('the customer gets busy and a summary; the call ends as busy and is published', () => {
    const d = CallEngine.giveUp(opened(), T0 + 10);
    expect(d.call).toMatchObject({ state: 'ended', endReason: 'busy', endedAt: T0 + 10, operatorId: null });
    expect(signals(d.effects)).toEqual([
      [CUSTOMER, 'busy'],
      [CUSTOMER, 'summary'],
    ]);
    expect(d.effects.find((e) => e.type === 'signal' && e.kind === 'summary')).toMatchObject({
      data: { duration_seconds: 0, end_reason: 'busy' },
    });
    expect(endedEvent(d)).toEqual({
      callId: 'call-1',
      cid: CID,
      callerId: CUSTOMER,
      endReason: 'busy',
      startedAt: new Date(T0).toISOString(),
      answeredAt: null,
      endedAt: new Date(T0 + 10).toISOString(),
      durationSeconds: 0,
    });
  });
});

describe('ringing → active: the operator accepts', () => {
  it('the customer gets accept with the operator SDP and display name only; the timer is cancelled', () => {
    const d = CallEngine.accept(ringingOp1(), OP1.id, 'answer-sdp', T0 + 2000);
    expect(d.call).toMatchObject({ state: 'active', answeredAt: T0 + 2000, operatorId: OP1.id });
    expect(d.call.attempts[0]!.outcome).toBe('answered');
    expect(d.effects).toEqual([
      { type: 'cancelRingTimeout', attempt: 1 },
      {
        type: 'signal',
        to: CUSTOMER,
        kind: 'accept',
        peerInfo: 'answer-sdp',
        data: { operator_name: 'Bob' },
      },
    ]);
    expect(JSON.stringify(d.effects)).not.toContain(OP1.id);
  });

  it('a second accept from the same operator changes nothing and sends nothing', () => {
    const d = CallEngine.accept(activeWithOp1(), OP1.id, 'answer-sdp', T0 + 3000);
    expect(d.effects).toEqual([]);
    expect(d.call).toEqual(activeWithOp1());
  });

  it('an accept from an operator whose turn is over gets stop', () => {
    const afterDecline = CallEngine.ring(CallEngine.decline(ringingOp1(), OP1.id, T0).call, OP2, T0);
    const d = CallEngine.accept(afterDecline.call, OP1.id, 'late-sdp', T0 + 1);
    expect(d.call).toEqual(afterDecline.call);
    expect(signals(d.effects)).toEqual([[OP1.id, 'stop']]);
  });

  it('an accept from someone never rung is refused with a typed error', () => {
    expect(() => CallEngine.accept(ringingOp1(), STRANGER, 'sdp', T0)).toThrow(CallSignalRefusedError);
    try {
      CallEngine.accept(ringingOp1(), CUSTOMER, 'sdp', T0);
    } catch (err) {
      expect((err as CallSignalRefusedError).code).toBe('not_in_call');
    }
  });

  it('an accept after the call ended does nothing', () => {
    const ended = CallEngine.stop(activeWithOp1(), CUSTOMER, T0 + 5000).call;
    expect(CallEngine.accept(ended, OP1.id, 'sdp', T0 + 6000)).toEqual({
      call: ended,
      effects: [],
      next: 'done',
    });
  });
});

describe('ringing → ringing: the next operator', () => {
  it('a decline (busy) cancels the timer, releases the operator and asks for the next one', () => {
    const d = CallEngine.decline(ringingOp1(), OP1.id, T0 + 1000);
    expect(d.next).toBe('ring-next');
    expect(d.call).toMatchObject({ state: 'ringing', operatorId: null });
    expect(d.call.attempts[0]!.outcome).toBe('declined');
    expect(d.effects).toEqual([
      { type: 'cancelRingTimeout', attempt: 1 },
      { type: 'releaseOperator', operatorId: OP1.id, offline: false },
    ]);
    const next = CallEngine.ring(d.call, OP2, T0 + 1000);
    expect(next.call.attempts.map((a) => [a.operatorId, a.outcome])).toEqual([
      [OP1.id, 'declined'],
      [OP2.id, 'ringing'],
    ]);
    expect(next.effects[0]).toEqual({ type: 'scheduleRingTimeout', attempt: 2 });
  });

  it('the ring timeout stops the operator, releases them and asks for the next one', () => {
    const d = CallEngine.ringTimeout(ringingOp1(), 1, T0 + 30_000);
    expect(d.next).toBe('ring-next');
    expect(d.call.attempts[0]!.outcome).toBe('no-answer');
    expect(signals(d.effects)).toEqual([[OP1.id, 'stop']]);
    expect(other(d.effects)).toEqual(['releaseOperator']);
  });

  it('an operator reached on no device is offline: released out of the queue, next one at once', () => {
    const d = CallEngine.operatorOffline(ringingOp1(), 1, T0 + 5);
    expect(d.next).toBe('ring-next');
    expect(d.call.attempts[0]!.outcome).toBe('offline');
    expect(d.effects).toEqual([
      { type: 'cancelRingTimeout', attempt: 1 },
      { type: 'releaseOperator', operatorId: OP1.id, offline: true },
    ]);
  });

  it('a stop from the rung operator counts as a decline', () => {
    const d = CallEngine.stop(ringingOp1(), OP1.id, T0 + 5);
    expect(d.next).toBe('ring-next');
    expect(d.call.attempts[0]!.outcome).toBe('declined');
  });

  it('a stale ring timer (an earlier attempt, an answered or ended call) does nothing', () => {
    const second = CallEngine.ring(CallEngine.decline(ringingOp1(), OP1.id, T0).call, OP2, T0).call;
    expect(CallEngine.ringTimeout(second, 1, T0 + 30_000)).toEqual({
      call: second,
      effects: [],
      next: 'done',
    });
    expect(CallEngine.ringTimeout(activeWithOp1(), 1, T0 + 30_000).effects).toEqual([]);
    expect(CallEngine.operatorOffline(activeWithOp1(), 1, T0).effects).toEqual([]);
  });

  it('a second decline, or one from an operator whose turn is over, does nothing', () => {
    const declined = CallEngine.decline(ringingOp1(), OP1.id, T0).call;
    expect(CallEngine.decline(declined, OP1.id, T0)).toEqual({ call: declined, effects: [], next: 'done' });
  });

  it('a decline from someone never rung is refused', () => {
    expect(() => CallEngine.decline(ringingOp1(), STRANGER, T0)).toThrow(CallSignalRefusedError);
  });
});

describe('ringing → ended', () => {
  it('nobody left after a decline: the customer gets busy, reason declined', () => {
    const declined = CallEngine.decline(ringingOp1(), OP1.id, T0 + 1000).call;
    const d = CallEngine.giveUp(declined, T0 + 1000);
    expect(d.call).toMatchObject({ state: 'ended', endReason: 'declined', operatorId: null });
    expect(signals(d.effects)).toEqual([
      [CUSTOMER, 'busy'],
      [CUSTOMER, 'summary'],
    ]);
    expect(endedEvent(d)?.endReason).toBe('declined');
  });

  it('nobody left after the last operator did not answer: reason no-answer', () => {
    const timedOut = CallEngine.ringTimeout(ringingOp1(), 1, T0 + 30_000).call;
    expect(CallEngine.giveUp(timedOut, T0 + 30_000).call.endReason).toBe('no-answer');
  });

  it('every operator offline: reason busy', () => {
    const offline = CallEngine.operatorOffline(ringingOp1(), 1, T0).call;
    expect(CallEngine.giveUp(offline, T0).call.endReason).toBe('busy');
  });

  it('the customer hangs up while it rings: the operator gets stop, the call is caller-cancelled', () => {
    const d = CallEngine.stop(ringingOp1(), CUSTOMER, T0 + 4000);
    expect(d.call).toMatchObject({ state: 'ended', endReason: 'caller-cancelled', operatorId: null });
    expect(d.call.attempts[0]!.outcome).toBe('cancelled');
    expect(d.effects[0]).toEqual({ type: 'cancelRingTimeout', attempt: 1 });
    expect(signals(d.effects)).toEqual([
      [OP1.id, 'stop'],
      [CUSTOMER, 'summary'],
    ]);
    expect(other(d.effects)).toEqual(['cancelRingTimeout', 'releaseOperator', 'publishEnded']);
    expect(endedEvent(d)).toMatchObject({
      endReason: 'caller-cancelled',
      answeredAt: null,
      durationSeconds: 0,
    });
  });

  it('giving up on an active call is illegal', () => {
    expect(() => CallEngine.giveUp(activeWithOp1(), T0)).toThrow(IllegalCallTransitionError);
  });

  it('ringing an active or ended call is illegal', () => {
    expect(() => CallEngine.ring(activeWithOp1(), OP2, T0)).toThrow(IllegalCallTransitionError);
    const ended = CallEngine.giveUp(opened(), T0).call;
    expect(() => CallEngine.ring(ended, OP2, T0)).toThrow(IllegalCallTransitionError);
  });
});

describe('active → ended: a hang-up', () => {
  it.each([
    ['the customer', CUSTOMER, OP1.id],
    ['the operator', OP1.id, CUSTOMER],
  ])(
    '%s hangs up: the other gets stop, both get a summary with the duration, reason completed',
    (_who, from, to) => {
      const d = CallEngine.stop(activeWithOp1(), from, T0 + 2000 + 65_400);
      expect(d.call).toMatchObject({ state: 'ended', endReason: 'completed', operatorId: OP1.id });
      expect(signals(d.effects)).toEqual([
        [to, 'stop'],
        [CUSTOMER, 'summary'],
        [OP1.id, 'summary'],
      ]);
      for (const e of d.effects)
        if (e.type === 'signal' && e.kind === 'summary')
          expect(e.data).toEqual({ duration_seconds: 65, end_reason: 'completed' });
      expect(endedEvent(d)).toMatchObject({
        endReason: 'completed',
        durationSeconds: 65,
        answeredAt: new Date(T0 + 2000).toISOString(),
      });
      expect(other(d.effects)).toContain('releaseOperator');
    },
  );

  it('a stop after the end does nothing', () => {
    const ended = CallEngine.stop(activeWithOp1(), CUSTOMER, T0 + 5000).call;
    expect(CallEngine.stop(ended, CUSTOMER, T0 + 6000)).toEqual({ call: ended, effects: [], next: 'done' });
    expect(CallEngine.stop(ended, OP1.id, T0 + 6000).effects).toEqual([]);
  });

  it('a stop from an operator whose turn is over does nothing; from a stranger it is refused', () => {
    const second = CallEngine.accept(
      CallEngine.ring(CallEngine.decline(ringingOp1(), OP1.id, T0).call, OP2, T0).call,
      OP2.id,
      'sdp',
      T0,
    ).call;
    expect(CallEngine.stop(second, OP1.id, T0).effects).toEqual([]);
    expect(() => CallEngine.stop(second, STRANGER, T0)).toThrow(CallSignalRefusedError);
  });

  it('nothing the customer receives names the operator; nothing the operator receives names the customer', () => {
    const call = activeWithOp1();
    const all = [
      ...CallEngine.ring(opened(), OP1, T0).effects,
      ...CallEngine.accept(ringingOp1(), OP1.id, 'answer-sdp', T0).effects,
      ...CallEngine.stop(call, CUSTOMER, T0 + 9000).effects,
    ];
    for (const e of all) {
      if (e.type !== 'signal') continue;
      const text = JSON.stringify(e);
      if (e.to === CUSTOMER) expect(text).not.toContain(OP1.id);
      else expect(text.replace(`"to":"${e.to}"`, '')).not.toContain(CUSTOMER);
    }
  });
});
