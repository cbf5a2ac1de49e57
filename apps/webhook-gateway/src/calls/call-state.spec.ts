import { describe, expect, it } from 'vitest';
import { applyToCall, callTransitions, IllegalCallTransitionError, type CallState } from './call-state.js';

const fresh: CallState = {
  status: 'created',
  participants: [],
  startedAt: null,
  endedAt: null,
  durationSeconds: null,
  lastSeen: {},
};
const t0 = '2026-01-01T10:00:00.000Z';
const t1 = '2026-01-01T10:01:30.000Z';
const parley = { endWhenLastLeaves: true };
const hosted = { endWhenLastLeaves: false };

function next(state: CallState, input: Parameters<typeof applyToCall>[1], options = parley): CallState {
  const change = applyToCall(state, input, options);
  if (!change.changed) throw new Error(`expected a change, got: ${change.reason}`);
  return change.next;
}

describe('provider call status', () => {
  it('starts on the first participant who joins and keeps everyone who joined', () => {
    const one = next(fresh, { type: 'participant.joined', identity: 'ann', occurredAt: t0 });
    expect(one).toMatchObject({
      status: 'started',
      participants: ['ann'],
      startedAt: t0,
      endedAt: null,
      durationSeconds: null,
    });
    const two = next(one, { type: 'participant.joined', identity: 'bob', occurredAt: t1 });
    expect(two.participants).toEqual(['ann', 'bob']);
    expect(two.startedAt).toBe(t0);
  });

  it('starts on call.started from created or ringing', () => {
    expect(next(fresh, { type: 'call.started', occurredAt: t0 })).toMatchObject({
      status: 'started',
      startedAt: t0,
    });
    const ringing = next(fresh, { type: 'ringing', occurredAt: t0 });
    expect(next(ringing, { type: 'call.started', occurredAt: t1 }).status).toBe('started');
  });

  it('ends with the duration the provider reports, or the time since it started', () => {
    const started = next(fresh, { type: 'participant.joined', identity: 'ann', occurredAt: t0 });
    expect(next(started, { type: 'call.ended', durationSeconds: 42, occurredAt: t1 })).toMatchObject({
      status: 'ended',
      participants: [],
      startedAt: t0,
      endedAt: t1,
      durationSeconds: 42,
    });
    expect(next(started, { type: 'call.ended', occurredAt: t1 }).durationSeconds).toBe(90);
  });

  it('on the built-in provider the last one out ends the call; on a hosted one the room does', () => {
    const both = next(next(fresh, { type: 'participant.joined', identity: 'ann', occurredAt: t0 }), {
      type: 'participant.joined',
      identity: 'bob',
      occurredAt: t0,
    });
    const annLeft = next(both, { type: 'participant.left', identity: 'ann', occurredAt: t1 });
    expect(annLeft).toMatchObject({ status: 'started', participants: ['bob'] });
    expect(next(annLeft, { type: 'participant.left', identity: 'bob', occurredAt: t1 })).toMatchObject({
      status: 'ended',
      durationSeconds: 90,
    });
    expect(
      next(annLeft, { type: 'participant.left', identity: 'bob', occurredAt: t1 }, hosted),
    ).toMatchObject({
      status: 'started',
      participants: [],
    });
  });

  it('a call that ends before anyone joined was missed', () => {
    expect(next(fresh, { type: 'call.ended', occurredAt: t1 })).toMatchObject({
      status: 'missed',
      endedAt: t1,
    });
    expect(next(fresh, { type: 'missed', occurredAt: t1 }).status).toBe('missed');
  });

  it('ignores late, repeated and unknown-participant facts', () => {
    const ended = next(next(fresh, { type: 'call.started', occurredAt: t0 }), {
      type: 'call.ended',
      occurredAt: t1,
    });
    for (const type of ['call.started', 'participant.joined', 'participant.left', 'call.ended'] as const)
      expect(applyToCall(ended, { type, identity: 'ann', occurredAt: t1 }, parley).changed).toBe(false);
    const started = next(fresh, { type: 'participant.joined', identity: 'ann', occurredAt: t0 });
    expect(
      applyToCall(started, { type: 'participant.joined', identity: 'ann', occurredAt: t0 }, parley).changed,
    ).toBe(false);
    const zedLeft = next(started, { type: 'participant.left', identity: 'zed', occurredAt: t1 });
    expect(zedLeft.participants).toEqual(['ann']);
  });

  it('a join delivered after a later leave of the same person does not put them back', () => {
    const both = next(next(fresh, { type: 'participant.joined', identity: 'ann', occurredAt: t0 }), {
      type: 'participant.joined',
      identity: 'bob',
      occurredAt: t0,
    });
    // bob left at t1, and his join from t0 is delivered again (a provider retry) or late.
    const bobLeft = next(both, { type: 'participant.left', identity: 'bob', occurredAt: t1 });
    expect(
      applyToCall(bobLeft, { type: 'participant.joined', identity: 'bob', occurredAt: t0 }, parley).changed,
    ).toBe(false);
    // The leave overtook the join altogether: the join, when it comes, is already stale.
    const leftFirst = next(both, { type: 'participant.left', identity: 'cy', occurredAt: t1 });
    expect(leftFirst.participants).toEqual(['ann', 'bob']);
    expect(
      applyToCall(leftFirst, { type: 'participant.joined', identity: 'cy', occurredAt: t0 }, parley).changed,
    ).toBe(false);
    // A later join counts again.
    expect(
      next(bobLeft, { type: 'participant.joined', identity: 'bob', occurredAt: '2026-01-01T10:02:00.000Z' })
        .participants,
    ).toEqual(['ann', 'bob']);
  });

  it('refuses to ring or miss a call that was answered or is over', () => {
    const started = next(fresh, { type: 'call.started', occurredAt: t0 });
    expect(() => applyToCall(started, { type: 'missed', occurredAt: t1 }, parley)).toThrow(
      IllegalCallTransitionError,
    );
    expect(() => applyToCall(started, { type: 'ringing', occurredAt: t1 }, parley)).toThrow(
      IllegalCallTransitionError,
    );
    const ended = next(started, { type: 'call.ended', occurredAt: t1 });
    expect(() => applyToCall(ended, { type: 'missed', occurredAt: t1 }, parley)).toThrow(
      IllegalCallTransitionError,
    );
  });

  it('has a cell for every status and input', () => {
    for (const row of Object.values(callTransitions)) expect(Object.keys(row).sort()).toHaveLength(6);
  });
});
