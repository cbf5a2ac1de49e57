import { z } from 'zod';
import { ConversationType } from '../messaging/conversations.js';
import { MessagingLimits } from '../messaging/limits.js';
import { MessagePartInput } from '../messaging/parts.js';

/** Bounds of a hook's timeout: the sender waits this long at most for the hook's decision. */
export const PreSendHookLimits = {
  defaultTimeoutMs: 2000,
  minTimeoutMs: 50,
  maxTimeoutMs: 10_000,
  maxReasonLength: 500,
} as const;

/** Where a hook applies: every conversation of a type, or one conversation (which wins over its type's). */
export const PreSendHookScope = z
  .string()
  .regex(
    /^(type:(direct|group|channel)|conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
    'scope is type:direct|group|channel or conversation:<uuid>',
  );
export type PreSendHookScope = z.infer<typeof PreSendHookScope>;

export const PreSendHookParams = z.strictObject({ scope: PreSendHookScope });
export type PreSendHookParams = z.infer<typeof PreSendHookParams>;

/** What the hook's server gets when it does not answer in time or cannot be reached. */
export const PreSendHookFallback = z.enum(['accept', 'reject']);
export type PreSendHookFallback = z.infer<typeof PreSendHookFallback>;

export const PutPreSendHookRequest = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  timeoutMs: z
    .number()
    .int()
    .min(PreSendHookLimits.minTimeoutMs)
    .max(PreSendHookLimits.maxTimeoutMs)
    .default(PreSendHookLimits.defaultTimeoutMs),
  fallback: PreSendHookFallback.default('accept'),
  /** A new signing secret for an existing hook (the old one stops working at once). */
  rotateSecret: z.boolean().optional(),
});
export type PutPreSendHookRequest = z.infer<typeof PutPreSendHookRequest>;

export const PreSendHook = z.object({
  scope: PreSendHookScope,
  url: z.string(),
  timeoutMs: z.number().int(),
  fallback: PreSendHookFallback,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PreSendHook = z.infer<typeof PreSendHook>;

/** The secret is only shown when it is made: on creation and on rotation. */
export const PutPreSendHookResponse = z.object({
  hook: PreSendHook,
  secret: z.string().startsWith('whsec_').optional(),
});
export type PutPreSendHookResponse = z.infer<typeof PutPreSendHookResponse>;

export const PreSendHookList = z.object({ hooks: z.array(PreSendHook) });
export type PreSendHookList = z.infer<typeof PreSendHookList>;

/** The body POSTed to the hook (signed per Standard Webhooks) before a message is stored. */
export const PreSendHookCall = z.object({
  type: z.literal('message.pre_send'),
  timestamp: z.string(),
  data: z.object({
    conversationId: z.uuid(),
    conversationType: ConversationType,
    senderId: z.uuid(),
    clientMessageId: z.string(),
    parts: z.array(MessagePartInput),
    replyTo: z.uuid().optional(),
    mentions: z.array(z.uuid()).optional(),
  }),
});
export type PreSendHookCall = z.infer<typeof PreSendHookCall>;

/**
 * The hook's decision, in a 2xx answer (an empty body accepts). Replaced parts are only shaped here as a
 * list: they are checked by the rules of a normal send, so a bad replacement is told apart from a bad answer.
 */
export const PreSendHookAnswer = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept') }),
  z.object({
    action: z.literal('reject'),
    reason: z.string().max(PreSendHookLimits.maxReasonLength).optional(),
  }),
  z.object({
    action: z.literal('replace'),
    parts: z.array(z.unknown()).min(1).max(MessagingLimits.maxPartsPerMessage),
  }),
]);
export type PreSendHookAnswer = z.infer<typeof PreSendHookAnswer>;
