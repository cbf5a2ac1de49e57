/**
 * The support call's states on each side, as data: a transition missing from the table is an
 * `IllegalSupportTransition`, so a signal that does not fit (an `accept` for a call already hung up) is
 * refused by name rather than silently changing what the page shows.
 */

/** The customer's call to the support line. */
export type CustomerPhase = 'preparing' | 'ringing' | 'connected' | 'busy' | 'ended';
export type CustomerEvent = 'offer-sent' | 'accepted' | 'busy' | 'hung-up' | 'stopped' | 'summary' | 'failed';

/** An operator's call from the support line. */
export type OperatorPhase = 'incoming' | 'answering' | 'connected' | 'ended';
export type OperatorEvent = 'answer' | 'answered' | 'declined' | 'hung-up' | 'stopped' | 'summary' | 'failed';

export const customerTransitions: Readonly<
  Record<CustomerPhase, Readonly<Partial<Record<CustomerEvent, CustomerPhase>>>>
> = {
  preparing: { 'offer-sent': 'ringing', 'hung-up': 'ended', failed: 'ended' },
  ringing: {
    accepted: 'connected',
    busy: 'busy',
    'hung-up': 'ended',
    stopped: 'ended',
    summary: 'ended',
    failed: 'ended',
  },
  connected: { 'hung-up': 'ended', stopped: 'ended', summary: 'ended', failed: 'ended' },
  // The line's summary closes every call, also one it already answered with busy or stop.
  busy: { summary: 'busy', stopped: 'busy', 'hung-up': 'busy' },
  ended: { summary: 'ended', stopped: 'ended', 'hung-up': 'ended' },
};

export const operatorTransitions: Readonly<
  Record<OperatorPhase, Readonly<Partial<Record<OperatorEvent, OperatorPhase>>>>
> = {
  incoming: { answer: 'answering', declined: 'ended', stopped: 'ended', summary: 'ended', failed: 'ended' },
  answering: {
    answered: 'connected',
    stopped: 'ended',
    summary: 'ended',
    failed: 'ended',
    'hung-up': 'ended',
  },
  connected: { 'hung-up': 'ended', stopped: 'ended', summary: 'ended', failed: 'ended' },
  ended: { summary: 'ended', stopped: 'ended', 'hung-up': 'ended' },
};

export class IllegalSupportTransition extends Error {
  constructor(
    readonly from: string,
    readonly event: string,
  ) {
    super(`a support call that is ${from} cannot take "${event}"`);
    this.name = 'IllegalSupportTransition';
  }
}

export function nextCustomerPhase(from: CustomerPhase, event: CustomerEvent): CustomerPhase {
  const to = customerTransitions[from][event];
  if (!to) throw new IllegalSupportTransition(from, event);
  return to;
}

export function nextOperatorPhase(from: OperatorPhase, event: OperatorEvent): OperatorPhase {
  const to = operatorTransitions[from][event];
  if (!to) throw new IllegalSupportTransition(from, event);
  return to;
}

/** Whether the call still holds a microphone and a peer connection. */
export function isLive(phase: CustomerPhase | OperatorPhase): boolean {
  return phase !== 'ended' && phase !== 'busy';
}
