import { z } from 'zod';
import { Timestamp } from '../common.js';
import { VoipLinkBody, VoipLinkStatus } from '../messaging/parts.js';

/** A provider adapter's registered name: `parley` (built in), `twilio`, `livekit`, … */
export const ProviderName = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z][a-z0-9-]*$/, 'must be a provider name like twilio');
export type ProviderName = z.infer<typeof ProviderName>;

export const CallMedia = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof CallMedia>;

/** The four facts every provider's webhooks are normalised into. */
export const ProviderEventType = z.enum(['call.started', 'participant.joined', 'participant.left', 'call.ended']);
export type ProviderEventType = z.infer<typeof ProviderEventType>;

/** One verified provider webhook, normalised (`provider.event.v1` on the bus). */
export const ProviderEvent = z.object({
  provider: ProviderName,
  /** The provider's own id of the event: the de-duplication key. */
  eventId: z.string().min(1).max(200),
  type: ProviderEventType,
  /** The provider's room, meeting or call id. */
  roomId: z.string().min(1).max(256),
  /** The participant, for participant events (the provider's identity string). */
  identity: z.string().min(1).max(256).optional(),
  /** For `call.ended`, when the provider reports it. */
  durationSeconds: z.number().int().nonnegative().optional(),
  occurredAt: Timestamp,
});
export type ProviderEvent = z.infer<typeof ProviderEvent>;

/** The gateway's record of a call in a conversation. */
export const ProviderCall = z.object({
  id: z.uuid(),
  provider: ProviderName,
  roomId: z.string().min(1).max(256),
  conversationId: z.uuid(),
  createdBy: z.uuid(),
  media: CallMedia,
  /** Null when clients join with the provider's SDK and the room id instead of a link. */
  joinUrl: z.url().nullable(),
  status: VoipLinkStatus,
  /** Identities in the call now. */
  participants: z.array(z.string()),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  durationSeconds: z.number().int().nonnegative().nullable(),
});
export type ProviderCall = z.infer<typeof ProviderCall>;

/** `POST /v1/calls`: start a call in a conversation through a provider (the caller must be a participant). */
export const StartProviderCallRequest = z.strictObject({
  conversationId: z.uuid(),
  provider: ProviderName.default('parley'),
  media: CallMedia.default('video'),
});
export type StartProviderCallRequest = z.infer<typeof StartProviderCallRequest>;

/** An access token for one identity with one provider (seed: "check the returned expires_at"). */
export const ProviderAccessToken = z.object({
  provider: ProviderName,
  identity: z.string().min(1).max(256),
  token: z.string().min(1),
  /** Epoch seconds, like the OAuth token's `expires_at`; renew before it. */
  expires_at: z.number().int(),
});
export type ProviderAccessToken = z.infer<typeof ProviderAccessToken>;

/** `POST /v1/calls/:id/join`: what a participant needs to enter the call. */
export const ProviderCallJoin = z.object({
  call: ProviderCall,
  access: ProviderAccessToken,
});
export type ProviderCallJoin = z.infer<typeof ProviderCallJoin>;

/**
 * `provider.call.updated.v1` on the bus: the gateway's call changed. Messaging writes `voipLink` into the
 * conversation as a message from `createdBy` (send key `voip-link:<callId>`), and edits that message on
 * every later update, so each change is an event in the conversation's log.
 */
export const ProviderCallUpdatedEvent = z.object({
  callId: z.uuid(),
  conversationId: z.uuid(),
  createdBy: z.uuid(),
  voipLink: VoipLinkBody,
});
export type ProviderCallUpdatedEvent = z.infer<typeof ProviderCallUpdatedEvent>;

/** One dead-lettered job, as the gateway lists them for inspection and replay. */
export const DeadLetterEntry = z.object({
  jobId: z.string(),
  topic: z.string(),
  failedReason: z.string(),
  attemptsMade: z.number().int(),
  failedAt: Timestamp.nullable(),
  payload: z.unknown(),
});
export type DeadLetterEntry = z.infer<typeof DeadLetterEntry>;

export const DeadLetterList = z.object({ deadLetters: z.array(DeadLetterEntry) });
export type DeadLetterList = z.infer<typeof DeadLetterList>;

/** `GET /v1/providers`: the providers this gateway has configured, and the one a call gets by default. */
export const ProviderList = z.object({
  providers: z.array(ProviderName),
  default: ProviderName,
});
export type ProviderList = z.infer<typeof ProviderList>;
