import type { CallEndedEvent } from '@parley/protocol';

/** What the core knows about a call that is over; a call refused at once (callee offline) has no record. */
export interface FinishedCall {
  id: string;
  callerMsisdn: string;
  calleeMsisdn: string;
  createdAt: number;
  answeredAt?: number;
  endedAt: number;
  endReason: string;
  video: boolean;
}

/** Calls that never reached anyone else: nothing to log in a conversation. */
const UNLOGGED_REASONS = new Set(['self_call', 'invalid_msisdn', 'sdp_too_large']);

/**
 * The `call.ended.v1` fact of a finished call, or undefined when it is not one two people had (a call to
 * oneself, a refused number).
 */
export function callEndedFact(call: FinishedCall): CallEndedEvent | undefined {
  if (UNLOGGED_REASONS.has(call.endReason) || call.callerMsisdn === call.calleeMsisdn) return undefined;
  return {
    callId: call.id,
    callerMsisdn: call.callerMsisdn,
    calleeMsisdn: call.calleeMsisdn,
    startedAt: new Date(call.createdAt).toISOString(),
    answeredAt: call.answeredAt === undefined ? null : new Date(call.answeredAt).toISOString(),
    endedAt: new Date(call.endedAt).toISOString(),
    endReason: call.endReason,
    video: call.video,
  };
}

/** Bus event id of a call's fact: one per call, so a second publish is de-duplicated by the bus. */
export function callEndedEventId(callId: string): string {
  return `call-ended-${callId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
