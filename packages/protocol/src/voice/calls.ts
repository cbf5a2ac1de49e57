import { z } from 'zod';
import { Timestamp } from '../common.js';
import { VoiceCallId, VoiceIdentity } from './signals.js';

/** Where a proxied call is: rung, talking, or over. */
export const VoiceCallState = z.enum(['ringing', 'active', 'ended']);
export type VoiceCallState = z.infer<typeof VoiceCallState>;

/** Why a proxied call ended. */
export const VoiceEndReason = z.enum([
  'completed',
  'declined',
  'busy',
  'no-answer',
  'failed',
  'caller-cancelled',
]);
export type VoiceEndReason = z.infer<typeof VoiceEndReason>;

/** What became of ringing one operator for a call. */
export const VoiceAttemptOutcome = z.enum([
  'ringing',
  'answered',
  'declined',
  'busy',
  'no-answer',
  'offline',
  'cancelled',
]);
export type VoiceAttemptOutcome = z.infer<typeof VoiceAttemptOutcome>;

export const VoiceCallAttempt = z.object({
  operatorId: z.uuid(),
  rungAt: Timestamp,
  outcome: VoiceAttemptOutcome,
});
export type VoiceCallAttempt = z.infer<typeof VoiceCallAttempt>;

/** A call detail record, as operators and admins list them. */
export const VoiceCallRecord = z.object({
  callId: VoiceCallId,
  cid: z.uuid(),
  customerId: z.uuid(),
  /** The operator who answered; null while ringing or when nobody did. */
  operatorId: z.uuid().nullable(),
  state: VoiceCallState,
  endReason: VoiceEndReason.nullable(),
  startedAt: Timestamp,
  answeredAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  /** Seconds between answer and end; 0 for a call never answered, null while it lasts. */
  durationSeconds: z.number().int().nonnegative().nullable(),
  /** Every operator rung, in order. */
  attempts: z.array(VoiceCallAttempt),
});
export type VoiceCallRecord = z.infer<typeof VoiceCallRecord>;

export const VoiceCallPage = z.object({
  calls: z.array(VoiceCallRecord),
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type VoiceCallPage = z.infer<typeof VoiceCallPage>;

export const VoiceCallPageQuery = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type VoiceCallPageQuery = z.infer<typeof VoiceCallPageQuery>;

/** `GET /v1/support`: whom customers call, and the caller's own operator status when they are one. */
export const SupportLine = z.object({
  /** The identity to send `start` to (the voice proxy's client id). */
  line: VoiceIdentity,
  operator: z.object({ available: z.boolean(), inCall: z.boolean() }).nullable(),
});
export type SupportLine = z.infer<typeof SupportLine>;

/** `PUT /v1/support/availability` (operators only). */
export const SetAvailabilityRequest = z.strictObject({ available: z.boolean() });
export type SetAvailabilityRequest = z.infer<typeof SetAvailabilityRequest>;

export const OperatorAvailability = z.object({
  available: z.boolean(),
  inCall: z.boolean(),
  /** When the operator last became idle (the queue rings the longest idle first); null when unavailable. */
  idleSince: Timestamp.nullable(),
});
export type OperatorAvailability = z.infer<typeof OperatorAvailability>;

/**
 * `voice.call.ended.v1` on the event bus: a proxied call (or a direct one nobody could take) is over.
 * Messaging writes it into `cid` as a call-log message from the caller; it names no operator.
 */
export const VoiceCallEndedEvent = z.object({
  callId: VoiceCallId,
  cid: z.uuid(),
  callerId: z.uuid(),
  endReason: VoiceEndReason,
  startedAt: Timestamp,
  answeredAt: Timestamp.nullable(),
  endedAt: Timestamp,
  durationSeconds: z.number().int().nonnegative(),
});
export type VoiceCallEndedEvent = z.infer<typeof VoiceCallEndedEvent>;
