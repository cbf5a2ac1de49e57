/**
 * The state of one call on a terminal, as pure data: no sockets, no RTCPeerConnection. The Terminal feeds
 * it events (what the core said, what the user did) and gets the next snapshot back, or a typed error
 * when the event makes no sense in the current state.
 *
 *   outgoing:  dialing ─remoteRinging→ ringing ─remoteAnswered→ active ─ended→ ended
 *              dialing ─remoteAnswered→ active (the core may skip Ringing)
 *   incoming:  ringing ─localAnswered→ active
 *   pulled:    dialing ─remoteAnswered→ active (our Offer for another device's call was accepted)
 *   any live state ─ended→ ended; ended is final.
 */
export type CallState = 'dialing' | 'ringing' | 'active' | 'ended';

/** Who placed the call: us (`outgoing`), the remote party (`incoming`), or another device of ours (`pulled`). */
export type CallDirection = 'outgoing' | 'incoming' | 'pulled';

/** Why a call ended. The core's Bye reasons plus local ones; unknown reasons from the core pass through. */
export type CallEndReason =
  | 'hangup'
  | 'rejected'
  | 'cancelled'
  | 'answered_elsewhere'
  | 'moved'
  | 'moved_to_phone'
  | 'callee_offline'
  | 'busy'
  | 'no_answer'
  | 'connection_lost'
  | 'media_error'
  | 'error'
  | (string & {});

export type CallEvent =
  /** The core forwarded the callee's Ringing (outgoing calls). */
  | { type: 'remoteRinging' }
  /** The core forwarded an Answer to our Offer (outgoing and pulled calls). */
  | { type: 'remoteAnswered' }
  /** We sent an Answer to the core's Offer (incoming calls). */
  | { type: 'localAnswered' }
  /** A Bye either way, a move to another device or the phone, a lost link or a local failure. */
  | { type: 'ended'; reason: CallEndReason };

export type CallEventType = CallEvent['type'];

export interface CallSnapshot {
  readonly state: CallState;
  readonly direction: CallDirection;
  readonly endReason?: CallEndReason;
}

type Rule = { from: readonly CallState[]; to: CallState; directions: readonly CallDirection[] };

/** Every legal move: for each event, the states it may happen in, where it leads and for which calls. */
export const CallTransitions: Readonly<Record<CallEventType, Rule>> = {
  remoteRinging: { from: ['dialing', 'ringing'], to: 'ringing', directions: ['outgoing'] },
  remoteAnswered: { from: ['dialing', 'ringing'], to: 'active', directions: ['outgoing', 'pulled'] },
  localAnswered: { from: ['ringing'], to: 'active', directions: ['incoming'] },
  ended: {
    from: ['dialing', 'ringing', 'active'],
    to: 'ended',
    directions: ['outgoing', 'incoming', 'pulled'],
  },
};

export class IllegalCallTransitionError extends Error {
  override readonly name = 'IllegalCallTransitionError';
  constructor(
    readonly from: CallState,
    readonly event: CallEventType,
    readonly direction: CallDirection,
  ) {
    super(`an ${direction} call in state ${from} cannot take ${event}`);
  }
}

/** The state a call starts in. */
export function initialCallState(direction: CallDirection): CallSnapshot {
  return { state: direction === 'incoming' ? 'ringing' : 'dialing', direction };
}

export function canTransition(call: CallSnapshot, event: CallEvent | CallEventType): boolean {
  const rule = CallTransitions[typeof event === 'string' ? event : event.type];
  return rule.from.includes(call.state) && rule.directions.includes(call.direction);
}

/** The next snapshot; throws IllegalCallTransitionError for an event the state does not allow. */
export function transitionCall(call: CallSnapshot, event: CallEvent): CallSnapshot {
  if (!canTransition(call, event))
    throw new IllegalCallTransitionError(call.state, event.type, call.direction);
  const to = CallTransitions[event.type].to;
  return event.type === 'ended'
    ? { state: to, direction: call.direction, endReason: event.reason }
    : { state: to, direction: call.direction };
}

/** Whether the call is over (nothing may happen to it any more). */
export function isCallEnded(call: CallSnapshot): boolean {
  return call.state === 'ended';
}
