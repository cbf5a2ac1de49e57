/** The states of a call, and the only moves between them. */
export type CallState = 'ringing' | 'active' | 'ended';

export const CallTransitions: Readonly<Record<CallState, readonly CallState[]>> = {
  ringing: ['active', 'ended'],
  active: ['ended'],
  ended: [],
};

export class IllegalCallTransitionError extends Error {
  constructor(
    readonly from: CallState,
    readonly to: CallState,
  ) {
    super(`a call cannot go from ${from} to ${to}`);
  }
}

export function assertTransition(from: CallState, to: CallState): void {
  if (!CallTransitions[from].includes(to)) throw new IllegalCallTransitionError(from, to);
}
