import { z } from 'zod';
import { ConversationEvent } from './events.js';

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
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Frames the server sends. */
export const ServerFrame = z.discriminatedUnion('type', [
  /** Sent once the live subscription is confirmed: catch-up may start now without losing events. */
  z.object({
    type: z.literal('ready'),
    sessionId: z.string(),
    userId: z.uuid(),
    tokenExpiresAt: z.number().int(),
  }),
  z.object({ type: z.literal('event'), event: ConversationEvent }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), userId: z.uuid(), active: z.boolean() }),
  z.object({ type: z.literal('pong'), ref: z.string().optional() }),
  z.object({ type: z.literal('authenticated'), tokenExpiresAt: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
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
