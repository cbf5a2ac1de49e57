/**
 * The states of a proxied call, and the only moves between them. `idle` is a call just opened, before its
 * first operator is chosen; `ringing` → `ringing` is the move to the next operator.
 */
export type CallState = 'idle' | 'ringing' | 'active' | 'ended';

export const CallTransitions: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ['ringing', 'ended'],
  ringing: ['ringing', 'active', 'ended'],
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
