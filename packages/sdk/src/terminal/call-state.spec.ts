import { describe, expect, it } from 'vitest';
import {
  CallTransitions,
  IllegalCallTransitionError,
  canTransition,
  initialCallState,
  isCallEnded,
  transitionCall,
  type CallDirection,
  type CallEvent,
  type CallSnapshot,
  type CallState,
} from './call-state.js';

function run(direction: CallDirection, ...events: CallEvent[]): CallSnapshot {
  return events.reduce(transitionCall, initialCallState(direction));
}

const ended = (reason: string): CallEvent => ({ type: 'ended', reason });

describe('call state machine', () => {
  it('starts outgoing and pulled calls dialing, incoming calls ringing', () => {
    expect(initialCallState('outgoing')).toEqual({ state: 'dialing', direction: 'outgoing' });
    expect(initialCallState('pulled')).toEqual({ state: 'dialing', direction: 'pulled' });
    expect(initialCallState('incoming')).toEqual({ state: 'ringing', direction: 'incoming' });
  });

  it('outgoing: dialing → ringing → active → ended, with the reason kept', () => {
    const ringing = run('outgoing', { type: 'remoteRinging' });
    expect(ringing.state).toBe('ringing');
    const active = transitionCall(ringing, { type: 'remoteAnswered' });
    expect(active.state).toBe('active');
    const over = transitionCall(active, ended('hangup'));
    expect(over).toEqual({ state: 'ended', direction: 'outgoing', endReason: 'hangup' });
    expect(isCallEnded(over)).toBe(true);
  });

  it('outgoing: an Answer without Ringing first is fine, and a repeated Ringing is harmless', () => {
    expect(run('outgoing', { type: 'remoteAnswered' }).state).toBe('active');
    expect(run('outgoing', { type: 'remoteRinging' }, { type: 'remoteRinging' }).state).toBe('ringing');
  });

  it('outgoing: a Bye while dialing or ringing ends it (rejected, callee offline, cancelled)', () => {
    expect(run('outgoing', ended('callee_offline')).endReason).toBe('callee_offline');
    expect(run('outgoing', { type: 'remoteRinging' }, ended('rejected')).endReason).toBe('rejected');
  });

  it('incoming: ringing → active by answering here, or ended (declined, answered elsewhere)', () => {
    expect(run('incoming', { type: 'localAnswered' }).state).toBe('active');
    expect(run('incoming', ended('answered_elsewhere'))).toEqual({
      state: 'ended',
      direction: 'incoming',
      endReason: 'answered_elsewhere',
    });
  });

  it('pulled: dialing → active on the Answer; it never rings', () => {
    expect(run('pulled', { type: 'remoteAnswered' }).state).toBe('active');
    expect(canTransition(initialCallState('pulled'), 'remoteRinging')).toBe(false);
  });

  it('refuses moves that make no sense with a typed error', () => {
    const cases: Array<[CallDirection, CallEvent[], CallEvent]> = [
      ['incoming', [], { type: 'remoteAnswered' }], // the core never answers a call it offered us
      ['outgoing', [], { type: 'localAnswered' }], // we cannot answer our own call
      ['outgoing', [{ type: 'remoteAnswered' }], { type: 'remoteRinging' }], // ringing after the answer
      ['incoming', [{ type: 'localAnswered' }], { type: 'localAnswered' }], // answering twice
      ['outgoing', [ended('hangup')], ended('hangup')], // ended is final
      ['incoming', [ended('rejected')], { type: 'localAnswered' }],
    ];
    for (const [direction, before, event] of cases) {
      const snapshot = run(direction, ...before);
      expect(canTransition(snapshot, event)).toBe(false);
      let error: unknown;
      try {
        transitionCall(snapshot, event);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IllegalCallTransitionError);
      expect(error).toMatchObject({ from: snapshot.state, event: event.type, direction });
    }
  });

  it('the table is closed: ended has no way out and every rule leads to a known state', () => {
    const states: CallState[] = ['dialing', 'ringing', 'active', 'ended'];
    for (const rule of Object.values(CallTransitions)) {
      expect(rule.from).not.toContain('ended');
      expect(states).toContain(rule.to);
    }
    // Every state but ended can end; nothing leads back to dialing.
    expect(CallTransitions.ended.from).toEqual(['dialing', 'ringing', 'active']);
    expect(Object.values(CallTransitions).map((r) => r.to)).not.toContain('dialing');
  });

  it('never mutates the snapshot it is given', () => {
    const start = Object.freeze(initialCallState('outgoing'));
    const next = transitionCall(start, { type: 'remoteRinging' });
    expect(start.state).toBe('dialing');
    expect(next).not.toBe(start);
  });
});
