import { describe, expect, it } from 'vitest';
import { TerminalErrorCode, TerminalMessages as M, type WebTerminalMessage } from '@parley/protocol';
import { CallEngine, type Effect } from './call-engine.js';
import type { CallRecord, TerminalRef } from './call-record.js';
import { IllegalCallTransitionError, assertTransition } from './call-state.js';
import { TerminalProtocolError } from './terminal-error.js';

const A: TerminalRef = { id: 'a1', msisdn: '+4790000001', mode: 'multi' };
const B1: TerminalRef = { id: 'b1', msisdn: '+4790000002', mode: 'multi' };
const B2: TerminalRef = { id: 'b2', msisdn: '+4790000002', mode: 'multi' };
const A2: TerminalRef = { id: 'a2', msisdn: '+4790000001', mode: 'multi' };
const ID = '11111111-1111-4111-8111-111111111111';

function sends(effects: Effect[]): Array<[string, string, string?]> {
  return effects.flatMap((e) => {
    if (e.type !== 'send') return [];
    const m = e.message.message!;
    const reason = m.$case === 'bye' ? m.value.reason : undefined;
    return [[e.terminalId, m.$case, ...(reason ? [reason] : [])] as [string, string, string?]];
  });
}

function ringing(forks: TerminalRef[] = [B1, B2]): CallRecord {
  const { call } = CallEngine.start({
    callId: ID,
    owner: 'n1',
    caller: A,
    calleeMsisdn: B1.msisdn,
    sdp: 'offer-sdp',
    calleeTerminals: forks,
    calleeRegistered: true,
    now: 0,
  });
  return call!;
}

function active(): CallRecord {
  return CallEngine.handle(ringing(), B1, M.answer(ID, 'answer-sdp'), 1).call;
}

const msg = (m: WebTerminalMessage) => m;

describe('initiating and receiving a call', () => {
  it('forks an Offer to every terminal of the callee with the caller msisdn', () => {
    const { call, effects } = CallEngine.start({
      callId: ID,
      owner: 'n1',
      caller: A,
      calleeMsisdn: B1.msisdn,
      sdp: 'offer-sdp',
      calleeTerminals: [B1, B2],
      calleeRegistered: true,
      now: 0,
    });
    expect(call?.state).toBe('ringing');
    expect(sends(effects)).toEqual([
      ['b1', 'offer'],
      ['b2', 'offer'],
    ]);
    const offer = effects[0]!.type === 'send' ? effects[0]!.message : undefined;
    expect(offer).toEqual(M.offer(ID, 'offer-sdp', A.msisdn));
  });

  it('answers an offer to an offline msisdn with a Bye that says so', () => {
    const { call, effects } = CallEngine.start({
      callId: ID,
      owner: 'n1',
      caller: A,
      calleeMsisdn: '+4799999999',
      sdp: 's',
      calleeTerminals: [],
      calleeRegistered: false,
      now: 0,
    });
    expect(call).toBeUndefined();
    expect(sends(effects)).toEqual([['a1', 'bye', 'callee_offline']]);
  });

  it('forwards the first Ringing only', () => {
    let call = ringing();
    const first = CallEngine.handle(call, B1, M.ringing(ID), 1);
    call = first.call;
    expect(sends(first.effects)).toEqual([['a1', 'ringing']]);
    expect(sends(CallEngine.handle(call, B2, M.ringing(ID), 1).effects)).toEqual([]);
  });

  it('lets the first Answer win and stops the other forks', () => {
    const { call, effects } = CallEngine.handle(ringing(), B2, M.answer(ID, 'answer-sdp'), 5);
    expect(call.state).toBe('active');
    expect(call.callee.leg).toEqual({ kind: 'terminal', terminalId: 'b2' });
    expect(sends(effects)).toEqual([
      ['a1', 'answer'],
      ['b1', 'bye', 'answered_elsewhere'],
    ]);
    expect(effects).toContainEqual({ type: 'inCall', msisdn: B1.msisdn, exceptTerminal: 'b2' });
    expect(() => CallEngine.handle(call, B1, M.answer(ID, 'late'), 6)).toThrow(TerminalProtocolError);
  });

  it('ends the call for the caller only when every fork rejected', () => {
    const afterOne = CallEngine.handle(ringing(), B1, M.bye(ID, ''), 1);
    expect(afterOne.ended).toBe(false);
    expect(sends(afterOne.effects)).toEqual([]);
    const afterBoth = CallEngine.handle(afterOne.call, B2, M.bye(ID, 'rejected'), 2);
    expect(afterBoth.ended).toBe(true);
    expect(sends(afterBoth.effects)).toEqual([['a1', 'bye', 'rejected']]);
  });

  it('cancels every fork when the caller hangs up while ringing', () => {
    const { effects, call } = CallEngine.handle(ringing(), A, M.bye(ID, ''), 1);
    expect(call.endReason).toBe('cancelled');
    expect(sends(effects)).toEqual([
      ['b1', 'bye', 'cancelled'],
      ['b2', 'bye', 'cancelled'],
    ]);
  });

  it('ends with no_answer at the ring timeout', () => {
    const { effects } = CallEngine.ringTimeout(ringing(), 60_000);
    expect(sends(effects)).toEqual([
      ['b1', 'bye', 'no_answer'],
      ['b2', 'bye', 'no_answer'],
      ['a1', 'bye', 'no_answer'],
    ]);
  });

  it('passes a Bye to the other party of an active call and tells observers Idle', () => {
    const { effects, ended } = CallEngine.handle(active(), B1, M.bye(ID, ''), 9);
    expect(ended).toBe(true);
    expect(sends(effects)).toEqual([['a1', 'bye', 'hangup']]);
    expect(effects).toContainEqual({ type: 'idle', msisdn: A.msisdn, exceptTerminal: 'a1' });
    expect(effects).toContainEqual({ type: 'idle', msisdn: B1.msisdn, exceptTerminal: 'b1' });
  });
});

describe('renegotiation, transfer and the phone', () => {
  it('relays a mid-call Offer to the other party and its Answer back', () => {
    const re = CallEngine.handle(active(), A, M.offer(ID, 'new-sdp', ''), 2);
    expect(sends(re.effects)).toEqual([['b1', 'offer']]);
    const back = CallEngine.handle(re.call, B1, M.answer(ID, 'new-answer'), 3);
    expect(sends(back.effects)).toEqual([['a1', 'answer']]);
    expect(back.call.pending).toBeUndefined();
  });

  it('moves a call to another terminal of the same msisdn that sends an Offer with its call_id', () => {
    const pull = CallEngine.handle(active(), A2, M.offer(ID, 'a2-sdp', ''), 2);
    expect(sends(pull.effects)).toEqual([['b1', 'offer']]);
    const done = CallEngine.handle(pull.call, B1, M.answer(ID, 'b-answer'), 3);
    expect(sends(done.effects)).toEqual([
      ['a2', 'answer'],
      ['a1', 'bye', 'moved'],
    ]);
    expect(done.call.caller.leg).toEqual({ kind: 'terminal', terminalId: 'a2' });
    expect(done.effects).toContainEqual({ type: 'inCall', msisdn: A.msisdn, exceptTerminal: 'a2' });
  });

  it('moves a call to the phone and makes the terminal an observer', () => {
    const req = CallEngine.handle(
      active(),
      A,
      msg({ callId: ID, message: { $case: 'action', value: { message: { $case: 'toPhone', value: {} } } } }),
      2,
    );
    expect(req.effects).toEqual([{ type: 'transferToPhone', side: 'caller', msisdn: A.msisdn }]);
    const answered = CallEngine.phoneAnswered(req.call, 'caller');
    expect(answered.call.caller.leg).toEqual({ kind: 'phone' });
    expect(answered.effects).toEqual([
      { type: 'release', terminalId: 'a1' },
      { type: 'inCall', msisdn: A.msisdn },
    ]);
    const end = CallEngine.handle(answered.call, B1, M.bye(ID, ''), 3);
    expect(end.effects).toContainEqual({ type: 'hangupPhone', msisdn: A.msisdn });
    expect(end.effects).toContainEqual({ type: 'idle', msisdn: A.msisdn, exceptTerminal: undefined });
  });
});

describe('refused input', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as TerminalProtocolError).code;
    }
    return 'no error';
  };

  it('answers a Bye for someone else’s call with NOT_INCALL', () => {
    const C: TerminalRef = { id: 'c1', msisdn: '+4790000003', mode: 'multi' };
    expect(codeOf(() => CallEngine.handle(active(), C, M.bye(ID, ''), 2))).toBe(TerminalErrorCode.NOT_INCALL);
  });

  it('answers ToPhone from a terminal outside the call with NOT_INCALL', () => {
    const action = msg({
      callId: ID,
      message: { $case: 'action', value: { message: { $case: 'toPhone', value: {} } } },
    });
    expect(codeOf(() => CallEngine.handle(active(), B2, action, 2))).toBe(TerminalErrorCode.NOT_INCALL);
  });

  it('answers an Offer to a ringing call with TRY_AGAIN', () => {
    expect(codeOf(() => CallEngine.handle(ringing(), A2, M.offer(ID, 's', ''), 2))).toBe(
      TerminalErrorCode.TRY_AGAIN,
    );
  });

  it('answers a message without a kind with UNKNOWN', () => {
    expect(codeOf(() => CallEngine.handle(active(), A, { callId: ID }, 2))).toBe(TerminalErrorCode.UNKNOWN);
  });

  it('refuses an illegal state transition as a typed error', () => {
    expect(() => assertTransition('ended', 'active')).toThrow(IllegalCallTransitionError);
  });
});
