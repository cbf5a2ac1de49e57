import type { CallState } from './call-state.js';

/** Where one side of a call is held: a registered terminal, or the msisdn's mobile phone. */
export type Leg = { kind: 'terminal'; terminalId: string } | { kind: 'phone' };

export interface Party {
  msisdn: string;
  /** Unset for the callee until someone answers. */
  leg?: Leg;
}

export type Side = 'caller' | 'callee';

/** Everything the core knows about one call; stored in Redis so any node can find its owner. */
export interface CallRecord {
  id: string;
  state: CallState;
  /** The node that decides for this call; messages about it go there. */
  owner: string;
  caller: Party;
  callee: Party;
  /** Callee terminals still ringing. */
  forks: string[];
  ringingForwarded: boolean;
  /** An Offer forwarded mid-call: the other side's Answer goes to `to` (a pull moves the side there). */
  pending?: { side: Side; to: string; kind: 'renegotiate' | 'pull' };
  /** A ToPhone move under way for this side. */
  movingToPhone?: Side;
  createdAt: number;
  /** Whether the caller's Offer had video (for the call log). */
  video?: boolean;
  answeredAt?: number;
  endedAt?: number;
  endReason?: string;
}

export interface TerminalRef {
  id: string;
  msisdn: string;
  mode: 'pipe' | 'multi';
}

export function otherSide(side: Side): Side {
  return side === 'caller' ? 'callee' : 'caller';
}

export function sideOfTerminal(call: CallRecord, terminalId: string): Side | undefined {
  if (call.caller.leg?.kind === 'terminal' && call.caller.leg.terminalId === terminalId) return 'caller';
  if (call.callee.leg?.kind === 'terminal' && call.callee.leg.terminalId === terminalId) return 'callee';
  return undefined;
}

export function legTerminal(leg: Leg | undefined): string | undefined {
  return leg?.kind === 'terminal' ? leg.terminalId : undefined;
}

/**
 * Whether a decision changed what other nodes read in the stored record (its owner, parties, forks, state,
 * a pending move): everything but whether Ringing was forwarded, which only the owner uses. The engine
 * never mutates a record, so a part it left alone keeps its identity.
 */
export function changedForOtherNodes(before: CallRecord, after: CallRecord): boolean {
  if (before === after) return false;
  for (const key in after)
    if (key !== 'ringingForwarded' && before[key as keyof CallRecord] !== after[key as keyof CallRecord])
      return true;
  for (const key in before) if (!(key in after)) return true;
  return false;
}
