import { z } from 'zod';
import { Timestamp } from '../common.js';

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +4790000002');

/**
 * `call.ended.v1` on the event bus: terminal-core's fact that a call between two numbers is over, answered
 * or not. Consumers (messaging's call log) key their work on `callId`, so a re-published fact changes nothing.
 */
export const CallEndedEvent = z.object({
  callId: z.string().min(1).max(100),
  callerMsisdn: E164,
  calleeMsisdn: E164,
  /** When the caller's Offer reached the core. */
  startedAt: Timestamp,
  /** When the callee answered; null for a call nobody answered. */
  answeredAt: Timestamp.nullable(),
  endedAt: Timestamp,
  /** The Bye reason that ended it (`hangup`, `no_answer`, `rejected`, `callee_offline`, …). */
  endReason: z.string().min(1).max(64),
  /** Whether the caller offered video. */
  video: z.boolean().default(false),
});
export type CallEndedEvent = z.infer<typeof CallEndedEvent>;

/** What a call came to, as a conversation shows it. */
export const CallOutcome = z.enum(['completed', 'missed', 'declined']);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** The MIME type of a message part that records a call in a conversation. */
export const CallLogMimeType = 'application/vnd.parley.call+json';

/**
 * Body of an `application/vnd.parley.call+json` part: one call between the conversation's two participants,
 * posted by messaging (the caller is the message's sender) when terminal-core reports the call ended.
 */
export const CallLogBody = z.strictObject({
  callId: z.string().min(1).max(100),
  outcome: CallOutcome,
  /** The caller's number (the message's sender placed the call; clients without the sender id use this). */
  callerMsisdn: E164.optional(),
  /** Seconds between answer and end; 0 for a call that was not answered. */
  durationSeconds: z.number().int().nonnegative(),
  video: z.boolean(),
  startedAt: Timestamp,
  answeredAt: Timestamp.nullable(),
  endedAt: Timestamp,
  endReason: z.string().min(1).max(64),
});
export type CallLogBody = z.infer<typeof CallLogBody>;

/** The outcome of a call from how it ended: answered calls completed, a refused one declined, others missed. */
export function callOutcomeOf(call: { answeredAt: string | null; endReason: string }): CallOutcome {
  if (call.answeredAt) return 'completed';
  return call.endReason === 'rejected' ? 'declined' : 'missed';
}

/** The call-log part of a call (what messaging appends to the direct conversation). */
export function callLogOf(call: CallEndedEvent): CallLogBody {
  const answered = call.answeredAt ? Date.parse(call.answeredAt) : undefined;
  return {
    callId: call.callId,
    outcome: callOutcomeOf(call),
    callerMsisdn: call.callerMsisdn,
    durationSeconds:
      answered === undefined ? 0 : Math.max(0, Math.round((Date.parse(call.endedAt) - answered) / 1000)),
    video: call.video,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    endReason: call.endReason,
  };
}

/** One ICE server as RTCPeerConnection takes it. */
export const IceServer = z.object({
  urls: z.array(z.string().min(1)).min(1),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/**
 * `GET /v1/ice-servers` on terminal-core: the STUN/TURN servers for this user's calls. TURN credentials are
 * time-limited (TURN REST: username `<expiry>:<userId>`, credential HMAC-SHA1 of it); fetch again before
 * `expiresAt`.
 */
export const IceServersResponse = z.object({
  iceServers: z.array(IceServer),
  /** How long the credentials are valid, in seconds (null when no TURN server needs credentials). */
  ttlSeconds: z.number().int().positive().nullable(),
  expiresAt: Timestamp.nullable(),
});
export type IceServersResponse = z.infer<typeof IceServersResponse>;
