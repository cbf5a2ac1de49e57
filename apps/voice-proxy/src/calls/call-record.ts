import type { VoiceAttemptOutcome, VoiceEndReason } from '@parley/protocol';
import type { CallState } from './call-state.js';

/** One operator rung for a call, and what became of it. */
export interface CallAttempt {
  operatorId: string;
  /** Epoch milliseconds. */
  rungAt: number;
  outcome: VoiceAttemptOutcome;
}

/** Everything the proxy knows about one support call; kept in PostgreSQL, never in process memory. */
export interface ProxiedCall {
  /** The proxy's own id for the call (a UUID): job ids, event ids and signal ids derive from it. */
  id: string;
  /** The customer's support conversation and their id for the call, as every signal carries them. */
  cid: string;
  callId: string;
  customerId: string;
  /** The customer's SDP offer, handed to each operator rung. */
  customerPeerInfo: string;
  state: CallState;
  /** The operator being rung, or the one who answered; null before the first ring and between rings. */
  operatorId: string | null;
  /** Their display name, the only thing about them the customer learns. */
  operatorName: string | null;
  attempts: CallAttempt[];
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: VoiceEndReason | null;
}

/** An operator the queue picked for a call. */
export interface OperatorChoice {
  id: string;
  displayName: string;
}

/** What customers are called in the signals operators receive. */
export const CUSTOMER_NAME = 'Customer';

/** Whole seconds between answer and end; 0 for a call nobody answered. */
export function durationSeconds(call: Pick<ProxiedCall, 'answeredAt' | 'endedAt'>): number {
  if (call.answeredAt === null || call.endedAt === null) return 0;
  return Math.max(0, Math.floor((call.endedAt - call.answeredAt) / 1000));
}
