import type { ProviderEventType, VoipLinkStatus } from '@parley/protocol';
import { ConflictError } from '@parley/service-kit';

/**
 * The status of a provider call as data: what each provider fact or local command does in each status.
 * `applyToCall` is pure (no clock, no I/O) so every rule is unit-tested without a database or a provider.
 *
 * Provider webhooks arrive late, twice or out of order, so a provider fact that no longer fits (a join after
 * the end) is `ignored`, which is recorded and logged but changes nothing. A local command that does not fit
 * (marking a call that was answered as missed) is a programming error: `IllegalCallTransitionError`.
 */
export type CallStatus = VoipLinkStatus;

export interface CallState {
  status: CallStatus;
  /** Identities in the call now, in the order they joined. */
  participants: string[];
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  /**
   * The latest participant fact applied per identity. Events are applied concurrently and providers deliver
   * webhooks out of order, so a join older than a leave already seen must not put someone back in the call.
   */
  lastSeen: Readonly<Record<string, ParticipantFact>>;
}

export interface ParticipantFact {
  type: 'participant.joined' | 'participant.left';
  at: string;
}

/** True when `fact` is older than what is known of the identity (a leave wins a tie with a join). */
export function isStaleFact(known: ParticipantFact | undefined, fact: ParticipantFact): boolean {
  if (!known) return false;
  const [was, now] = [Date.parse(known.at), Date.parse(fact.at)];
  if (now !== was) return now < was;
  return known.type === 'participant.left' && fact.type === 'participant.joined';
}

/** What happens to a call: one of the four normalised provider facts, or a command of the gateway itself. */
export type CallInput =
  | { type: ProviderEventType; identity?: string; durationSeconds?: number; occurredAt: string }
  | { type: 'ringing'; occurredAt: string }
  | { type: 'missed'; occurredAt: string };

type Move = CallStatus | 'ignore' | 'illegal';

/**
 * The transition table. Rows: the status now; columns: the input; cells: the status after (participant
 * lists and times are then updated by `applyToCall`).
 */
export const callTransitions: Readonly<Record<CallStatus, Readonly<Record<CallInput['type'], Move>>>> = {
  created: {
    ringing: 'ringing',
    missed: 'missed',
    'call.started': 'started',
    'participant.joined': 'started',
    'participant.left': 'created',
    'call.ended': 'missed',
  },
  ringing: {
    ringing: 'ringing',
    missed: 'missed',
    'call.started': 'started',
    'participant.joined': 'started',
    'participant.left': 'ringing',
    'call.ended': 'missed',
  },
  started: {
    ringing: 'illegal',
    missed: 'illegal',
    'call.started': 'ignore',
    'participant.joined': 'started',
    'participant.left': 'started',
    'call.ended': 'ended',
  },
  ended: {
    ringing: 'illegal',
    missed: 'illegal',
    'call.started': 'ignore',
    'participant.joined': 'ignore',
    'participant.left': 'ignore',
    'call.ended': 'ignore',
  },
  missed: {
    ringing: 'illegal',
    missed: 'ignore',
    'call.started': 'ignore',
    'participant.joined': 'ignore',
    'participant.left': 'ignore',
    'call.ended': 'ignore',
  },
};

/** A 409 where it reaches a client: the call has moved on (e.g. answered before it could be marked missed). */
export class IllegalCallTransitionError extends ConflictError {
  override readonly name = 'IllegalCallTransitionError';
  override readonly code: string = 'illegal_call_transition';
  constructor(
    readonly from: CallStatus,
    readonly input: CallInput['type'],
  ) {
    super(`a call that is ${from} cannot take "${input}"`);
  }
}

export type CallChange = { changed: true; next: CallState } | { changed: false; reason: string };

export interface ApplyOptions {
  /** The built-in provider has no room server to end the call: the last one out ends it. */
  endWhenLastLeaves: boolean;
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

function ended(state: CallState, at: string, reportedSeconds: number | undefined): CallState {
  const startedAt = state.startedAt ?? at;
  return {
    ...state,
    status: 'ended',
    participants: [],
    startedAt,
    endedAt: at,
    durationSeconds: reportedSeconds ?? secondsBetween(startedAt, at),
  };
}

/** The call after `input`, or why nothing changed. */
export function applyToCall(state: CallState, input: CallInput, options: ApplyOptions): CallChange {
  const move = callTransitions[state.status][input.type];
  if (move === 'illegal') throw new IllegalCallTransitionError(state.status, input.type);
  if (move === 'ignore') return { changed: false, reason: `${input.type} after the call is ${state.status}` };

  const at = input.occurredAt;
  switch (input.type) {
    case 'ringing':
      return state.status === 'ringing'
        ? { changed: false, reason: 'already ringing' }
        : { changed: true, next: { ...state, status: 'ringing' } };
    case 'missed':
      return { changed: true, next: { ...state, status: 'missed', participants: [], endedAt: at } };
    case 'call.started':
      return { changed: true, next: { ...state, status: 'started', startedAt: state.startedAt ?? at } };
    case 'participant.joined': {
      const identity = input.identity;
      if (!identity) return { changed: false, reason: 'participant.joined without an identity' };
      const fact: ParticipantFact = { type: input.type, at };
      if (isStaleFact(state.lastSeen[identity], fact))
        return { changed: false, reason: `${identity} joined before a later fact about them` };
      const lastSeen = { ...state.lastSeen, [identity]: fact };
      const already = state.participants.includes(identity);
      if (already && state.status === 'started') {
        // A repeat changes nothing; a newer join (a reconnect) is remembered, so an older leave stays stale.
        const known = state.lastSeen[identity];
        return known && Date.parse(at) <= Date.parse(known.at)
          ? { changed: false, reason: `${identity} is already in` }
          : { changed: true, next: { ...state, lastSeen } };
      }
      return {
        changed: true,
        next: {
          ...state,
          status: 'started',
          startedAt: state.startedAt ?? at,
          participants: already ? state.participants : [...state.participants, identity],
          lastSeen,
        },
      };
    }
    case 'participant.left': {
      const identity = input.identity;
      if (!identity) return { changed: false, reason: 'participant.left without an identity' };
      const fact: ParticipantFact = { type: input.type, at };
      if (isStaleFact(state.lastSeen[identity], fact))
        return { changed: false, reason: `${identity} left before a later fact about them` };
      const lastSeen = { ...state.lastSeen, [identity]: fact };
      // Remembered even when they are not in (yet): their join, delivered late, is then known to be stale.
      if (!state.participants.includes(identity)) return { changed: true, next: { ...state, lastSeen } };
      const participants = state.participants.filter((p) => p !== identity);
      if (participants.length === 0 && state.status === 'started' && options.endWhenLastLeaves)
        return { changed: true, next: ended({ ...state, lastSeen }, at, undefined) };
      return { changed: true, next: { ...state, participants, lastSeen } };
    }
    case 'call.ended':
      if (move === 'missed')
        return { changed: true, next: { ...state, status: 'missed', participants: [], endedAt: at } };
      return { changed: true, next: ended(state, at, input.durationSeconds) };
  }
}
