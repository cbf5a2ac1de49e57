import { z } from 'zod';
import { ConversationSettings } from './conversation-settings.js';
import { ConversationEvent } from './events.js';
import { VoiceSignal } from '../voice/signals.js';
import { DeviceActivity, UserPresence } from './presence.js';

/** Frames a device sends on the messaging WebSocket. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ping'), ref: z.string().max(64).optional() }),
  z.strictObject({
    type: z.literal('typing'),
    conversationId: z.uuid(),
    active: z.boolean().default(true),
  }),
  /** Swap in a fresh access token without reconnecting. */
  z.strictObject({ type: z.literal('authenticate'), accessToken: z.string().min(1).max(4096) }),
  /** The page became hidden or idle (`away`) or is in use again (`active`). */
  z.strictObject({ type: z.literal('presence'), state: DeviceActivity }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Frames the server sends. */
export const ServerFrame = z.discriminatedUnion('type', [
  /** Sent once the live subscription is confirmed: catch-up may start now without losing events. */
  z.object({
    type: z.literal('ready'),
    sessionId: z.string(),
    /** The user's id; for a machine client's connection, its client id. */
    userId: z.string().min(1).max(100),
    tokenExpiresAt: z.number().int(),
  }),
  z.object({ type: z.literal('event'), event: ConversationEvent }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), userId: z.uuid(), active: z.boolean() }),
  z.object({ type: z.literal('pong'), ref: z.string().optional() }),
  z.object({ type: z.literal('authenticated'), tokenExpiresAt: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** Ephemeral, no seq: someone who shares a conversation with this user went online, away or offline. */
  UserPresence.extend({ type: z.literal('presence') }),
  /** This user's own settings of a conversation changed (on any of their devices). */
  ConversationSettings.extend({ type: z.literal('settings'), conversationId: z.uuid() }),
  /** A voice negotiation signal addressed to this identity (not kept in any conversation's history). */
  z.object({ type: z.literal('voice'), signal: VoiceSignal }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** WebSocket close codes used by the messaging socket. */
export const CloseCodes = {
  tokenExpired: 4001,
  unauthenticated: 4401,
  policyViolation: 1008,
  tooLarge: 1009,
} as const;

/** Ephemeral typing signal passed between nodes on Redis pub/sub. */
export const TypingSignal = z.object({
  conversationId: z.uuid(),
  userId: z.uuid(),
  active: z.boolean(),
});
export type TypingSignal = z.infer<typeof TypingSignal>;
