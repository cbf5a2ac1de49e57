import { z } from 'zod';
import { Timestamp } from '../common.js';
import { ProviderCall, ProviderName } from './calls.js';

/** `POST /v1/video/token`: an access token for the caller's own identity (default provider unless named). */
export const VideoTokenRequest = z.strictObject({ provider: ProviderName.optional() });
export type VideoTokenRequest = z.infer<typeof VideoTokenRequest>;

/** `GET /v1/video/identity/:userId`: whom to invite, in the provider's terms. */
export const VideoIdentity = z.object({ userId: z.uuid(), identity: z.string().min(1).max(256) });
export type VideoIdentity = z.infer<typeof VideoIdentity>;

/** `POST /v1/video/calls`: invite one participant of a conversation to a video call. */
export const StartVideoCallRequest = z.strictObject({
  conversationId: z.uuid(),
  calleeId: z.uuid(),
  provider: ProviderName.optional(),
});
export type StartVideoCallRequest = z.infer<typeof StartVideoCallRequest>;

export const VideoInviteStatus = z.enum(['inviting', 'answered', 'declined', 'missed', 'failed', 'cancelled']);
export type VideoInviteStatus = z.infer<typeof VideoInviteStatus>;

/** An invite rung up to `maxTries` times within `windowSeconds`, then missed (with a push to the callee). */
export const VideoInvite = z.object({
  id: z.uuid(),
  call: ProviderCall,
  callerId: z.uuid(),
  calleeId: z.uuid(),
  status: VideoInviteStatus,
  tries: z.number().int().nonnegative(),
  maxTries: z.number().int().positive(),
  windowSeconds: z.number().int().positive(),
  createdAt: Timestamp,
  endedAt: Timestamp.nullable(),
  /** Why the invite stopped early (`failed`): the error that was not "callee not available". */
  lastError: z.string().nullable(),
});
export type VideoInvite = z.infer<typeof VideoInvite>;

/** The browser's PushSubscription.toJSON(), registered by the callee's device. */
export const PushSubscriptionRequest = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z.string().min(1).max(256),
    auth: z.string().min(1).max(64),
  }),
});
export type PushSubscriptionRequest = z.infer<typeof PushSubscriptionRequest>;

export const PushSubscriptionRecord = z.object({ id: z.uuid(), endpoint: z.string(), createdAt: Timestamp });
export type PushSubscriptionRecord = z.infer<typeof PushSubscriptionRecord>;

/** `GET /v1/push/vapid-public-key`: the application server key browsers subscribe with. */
export const VapidPublicKey = z.object({ publicKey: z.string().min(1) });
export type VapidPublicKey = z.infer<typeof VapidPublicKey>;

/** What a push message carries (encrypted per RFC 8291); the service worker shows it. */
export const PushNotificationPayload = z.object({
  type: z.literal('video.missed'),
  title: z.string(),
  body: z.string(),
  conversationId: z.uuid(),
  inviteId: z.uuid(),
});
export type PushNotificationPayload = z.infer<typeof PushNotificationPayload>;
