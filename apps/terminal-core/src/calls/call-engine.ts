import { TerminalMessages as M, type WebTerminalMessage } from '@parley/protocol';
import { assertTransition } from './call-state.js';
import {
  legTerminal,
  otherSide,
  sideOfTerminal,
  type CallRecord,
  type Leg,
  type Side,
  type TerminalRef,
} from './call-record.js';
import { invalidCallId, notInCall, tryAgain, unknownMessage } from './terminal-error.js';

/** What the core must do after a decision; the coordinator carries these out (locally or via Redis). */
export type Effect =
  | { type: 'send'; terminalId: string; message: WebTerminalMessage }
  /** The msisdn's other terminals learn it is in this call (InCall) or no longer (Idle). */
  | { type: 'inCall'; msisdn: string; exceptTerminal?: string }
  | { type: 'idle'; msisdn: string; exceptTerminal?: string }
  /** The terminal no longer holds the call (moved to the phone) without being sent a Bye. */
  | { type: 'release'; terminalId: string }
  | { type: 'transferToPhone'; side: Side; msisdn: string }
  | { type: 'hangupPhone'; msisdn: string }
  | { type: 'armRingTimer' }
  | { type: 'disarmRingTimer' };

export interface Decision {
  call: CallRecord;
  effects: Effect[];
  ended: boolean;
}

export interface StartCallInput {
  callId: string;
  owner: string;
  caller: TerminalRef;
  calleeMsisdn: string;
  sdp: string;
  /** Callee terminals able to ring now (busy Pipe terminals already left out). */
  calleeTerminals: TerminalRef[];
  /** Whether the callee has terminals at all (to tell "offline" from "busy"). */
  calleeRegistered: boolean;
  now: number;
}

/**
 * Pure call routing: given a call and a terminal's message, decides the next state and the messages to
 * send. No I/O here, so every scenario of the WebTerminal API is testable without a socket or Redis.
 */
export const CallEngine = {
  /** An Offer for a new call: fork it to the callee's terminals, or refuse it with a Bye and a reason. */
  start(input: StartCallInput): { call: CallRecord | undefined; effects: Effect[] } {
    const { callId, caller, calleeMsisdn } = input;
    if (calleeMsisdn === caller.msisdn)
      return { call: undefined, effects: [send(caller.id, M.bye(callId, 'self_call'))] };
    if (input.calleeTerminals.length === 0) {
      const reason = input.calleeRegistered ? 'busy' : 'callee_offline';
      return { call: undefined, effects: [send(caller.id, M.bye(callId, reason))] };
    }
    const call: CallRecord = {
      id: callId,
      state: 'ringing',
      owner: input.owner,
      caller: { msisdn: caller.msisdn, leg: { kind: 'terminal', terminalId: caller.id } },
      callee: { msisdn: calleeMsisdn },
      forks: input.calleeTerminals.map((t) => t.id),
      ringingForwarded: false,
      createdAt: input.now,
      video: /^m=video /m.test(input.sdp),
    };
    return {
      call,
      effects: [
        ...input.calleeTerminals.map((t) => send(t.id, M.offer(callId, input.sdp, caller.msisdn))),
        { type: 'armRingTimer' },
      ],
    };
  },

  /** A message from a terminal about an existing call. Throws TerminalProtocolError for refused input. */
  handle(call: CallRecord, from: TerminalRef, message: WebTerminalMessage, now: number): Decision {
    const body = message.message;
    switch (body?.$case) {
      case 'ringing':
        return onRinging(call, from);
      case 'answer':
        return onAnswer(call, from, body.value.sdp, now);
      case 'offer':
        return onOffer(call, from, body.value.sdp);
      case 'bye':
        return this.hangUp(call, from.id, body.value.reason || undefined, now);
      case 'action':
        if (body.value.message?.$case === 'toPhone') return onToPhone(call, from);
        throw unknownMessage('unknown action');
      case undefined:
        throw unknownMessage('empty message');
      default:
        throw unknownMessage(`a terminal does not send ${body?.$case}`);
    }
  },

  /** A Bye from a terminal, or its stream dropped (reason connection_lost). */
  hangUp(call: CallRecord, terminalId: string, reason: string | undefined, now: number): Decision {
    const side = sideOfTerminal(call, terminalId);
    if (call.state === 'ringing') {
      if (side === 'caller') {
        return end(call, now, 'cancelled', [...call.forks.map((f) => send(f, M.bye(call.id, 'cancelled')))]);
      }
      if (call.forks.includes(terminalId)) {
        const forks = call.forks.filter((f) => f !== terminalId);
        if (forks.length > 0) return { call: { ...call, forks }, effects: [], ended: false };
        return end(
          { ...call, forks },
          now,
          reason ?? 'rejected',
          sendToLeg(call.caller.leg, M.bye(call.id, reason ?? 'rejected')),
        );
      }
      throw notInCall('this terminal is not in the call');
    }
    if (call.state === 'active') {
      if (call.pending?.kind === 'pull' && call.pending.to === terminalId) {
        // The terminal that was pulling the call gave up: the call stays where it was.
        return { call: { ...call, pending: undefined }, effects: [], ended: false };
      }
      if (!side) throw notInCall('this terminal is not in the call');
      const other = call[otherSide(side)];
      const effects: Effect[] = [...sendToLeg(other.leg, M.bye(call.id, reason ?? 'hangup'))];
      if (other.leg?.kind === 'phone') effects.push({ type: 'hangupPhone', msisdn: other.msisdn });
      return end(call, now, reason ?? 'hangup', effects);
    }
    throw notInCall('the call has ended');
  },

  /** The mobile phone picked up a call moved with ToPhone: the terminal that had it becomes an observer. */
  phoneAnswered(call: CallRecord, side: Side): Decision {
    if (call.state !== 'active' || call.movingToPhone !== side) return { call, effects: [], ended: false };
    const party = call[side];
    const previous = legTerminal(party.leg);
    const updated: CallRecord = {
      ...call,
      movingToPhone: undefined,
      [side]: { ...party, leg: { kind: 'phone' } },
    };
    // Every terminal of the msisdn, the one that had the call included, now observes it on the phone.
    const effects: Effect[] = [{ type: 'inCall', msisdn: party.msisdn }];
    if (previous) effects.unshift({ type: 'release', terminalId: previous });
    return { call: updated, effects, ended: false };
  },

  /** The phone side hung up (the built-in phone never does by itself; a telephony adapter may). */
  phoneHungUp(call: CallRecord, side: Side, now: number): Decision {
    if (call[side].leg?.kind !== 'phone') return { call, effects: [], ended: false };
    const other = call[otherSide(side)];
    return end(call, now, 'hangup', sendToLeg(other.leg, M.bye(call.id, 'hangup')));
  },

  /** Nobody answered in time. */
  ringTimeout(call: CallRecord, now: number): Decision {
    if (call.state !== 'ringing') return { call, effects: [], ended: false };
    return end(call, now, 'no_answer', [
      ...call.forks.map((f) => send(f, M.bye(call.id, 'no_answer'))),
      ...sendToLeg(call.caller.leg, M.bye(call.id, 'no_answer')),
    ]);
  },
};

function onRinging(call: CallRecord, from: TerminalRef): Decision {
  if (call.state !== 'ringing' || !call.forks.includes(from.id))
    throw notInCall('only a ringing callee terminal sends Ringing');
  if (call.ringingForwarded) return { call, effects: [], ended: false };
  return {
    call: { ...call, ringingForwarded: true },
    effects: sendToLeg(call.caller.leg, M.ringing(call.id)),
    ended: false,
  };
}

function onAnswer(call: CallRecord, from: TerminalRef, sdp: string, now: number): Decision {
  if (call.state === 'ringing') {
    if (!call.forks.includes(from.id)) throw notInCall('this terminal was not offered the call');
    // First answer wins: the other forks stop ringing.
    assertTransition(call.state, 'active');
    const effects: Effect[] = [
      ...sendToLeg(call.caller.leg, M.answer(call.id, sdp)),
      ...call.forks.filter((f) => f !== from.id).map((f) => send(f, M.bye(call.id, 'answered_elsewhere'))),
      { type: 'disarmRingTimer' },
      { type: 'inCall', msisdn: call.callee.msisdn, exceptTerminal: from.id },
      { type: 'inCall', msisdn: call.caller.msisdn, exceptTerminal: legTerminal(call.caller.leg) },
    ];
    const updated: CallRecord = {
      ...call,
      state: 'active',
      forks: [],
      answeredAt: now,
      callee: { ...call.callee, leg: { kind: 'terminal', terminalId: from.id } },
    };
    return { call: updated, effects, ended: false };
  }
  if (call.state === 'active' && call.pending) {
    const answeringSide = otherSide(call.pending.side);
    if (legTerminal(call[answeringSide].leg) !== from.id)
      throw notInCall('no offer is waiting for this terminal');
    const { side, to, kind } = call.pending;
    const effects: Effect[] = [send(to, M.answer(call.id, sdp))];
    let updated: CallRecord = { ...call, pending: undefined };
    if (kind === 'pull') {
      const party = call[side];
      const previous = legTerminal(party.leg);
      if (previous) effects.push(send(previous, M.bye(call.id, 'moved')));
      if (party.leg?.kind === 'phone') effects.push({ type: 'hangupPhone', msisdn: party.msisdn });
      updated = { ...updated, [side]: { ...party, leg: { kind: 'terminal', terminalId: to } } };
      effects.push({ type: 'inCall', msisdn: party.msisdn, exceptTerminal: to });
    }
    return { call: updated, effects, ended: false };
  }
  throw notInCall('no offer is waiting for an answer');
}

/** An Offer for an existing call: renegotiation by a party, or a pull by another terminal of that msisdn. */
function onOffer(call: CallRecord, from: TerminalRef, sdp: string): Decision {
  if (call.state !== 'active') throw tryAgain('the call is not established yet');
  if (call.pending) throw tryAgain('another offer is being negotiated');
  const ownSide = sideOfTerminal(call, from.id);
  const side: Side | undefined =
    ownSide ??
    (call.caller.msisdn === from.msisdn
      ? 'caller'
      : call.callee.msisdn === from.msisdn
        ? 'callee'
        : undefined);
  if (!side) throw invalidCallId('no call of this msisdn has that call_id');
  const remote = call[otherSide(side)];
  const remoteTerminal = legTerminal(remote.leg);
  if (!remoteTerminal) throw tryAgain('the other party is on a phone and cannot renegotiate');
  const kind = ownSide ? 'renegotiate' : 'pull';
  return {
    call: { ...call, pending: { side, to: from.id, kind } },
    effects: [send(remoteTerminal, M.offer(call.id, sdp, call[side].msisdn))],
    ended: false,
  };
}

function onToPhone(call: CallRecord, from: TerminalRef): Decision {
  const side = sideOfTerminal(call, from.id);
  if (call.state !== 'active' || !side)
    throw notInCall('only the terminal holding the call can move it to the phone');
  if (call.movingToPhone) throw tryAgain('the call is already moving to the phone');
  return {
    call: { ...call, movingToPhone: side },
    effects: [{ type: 'transferToPhone', side, msisdn: call[side].msisdn }],
    ended: false,
  };
}

function end(call: CallRecord, now: number, reason: string, effects: Effect[]): Decision {
  assertTransition(call.state, 'ended');
  const wasActive = call.state === 'active';
  const all: Effect[] = [...effects, { type: 'disarmRingTimer' }];
  if (wasActive) {
    all.push(
      { type: 'idle', msisdn: call.caller.msisdn, exceptTerminal: legTerminal(call.caller.leg) },
      { type: 'idle', msisdn: call.callee.msisdn, exceptTerminal: legTerminal(call.callee.leg) },
    );
  }
  return {
    call: { ...call, state: 'ended', forks: [], pending: undefined, endedAt: now, endReason: reason },
    effects: all,
    ended: true,
  };
}

function send(terminalId: string, message: WebTerminalMessage): Effect {
  return { type: 'send', terminalId, message };
}

function sendToLeg(leg: Leg | undefined, message: WebTerminalMessage): Effect[] {
  const terminalId = legTerminal(leg);
  return terminalId ? [send(terminalId, message)] : [];
}
