import { z } from 'zod';
import { CustomData } from '../common.js';
import { ConversationType, PermissionsPatch } from '../messaging/conversations.js';
import { MessagingLimits } from '../messaging/limits.js';
import { SendMessageRequest } from '../messaging/messages.js';

/**
 * `POST /v1/server/conversations`: a conversation created by a machine client on behalf of users. The first
 * participant is its creator (owner); `distinct` finds the existing one with the same participants.
 */
export const ServerCreateConversationRequest = z
  .strictObject({
    type: ConversationType.default('group'),
    participants: z.array(z.uuid()).min(1).max(MessagingLimits.maxParticipantsPerRequest),
    title: z.string().min(1).max(MessagingLimits.maxTitleLength).optional(),
    customData: CustomData.optional(),
    distinct: z.boolean().optional(),
    /** Permissions granted to people who join a channel themselves. */
    joinPermissions: PermissionsPatch.optional(),
  })
  .superRefine((req, ctx) => {
    if (req.type === 'direct' && new Set(req.participants).size !== 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['participants'],
        message: 'a direct conversation has exactly two participants',
      });
    }
  });
export type ServerCreateConversationRequest = z.infer<typeof ServerCreateConversationRequest>;
/** The request as a caller may write it (`type` defaults to `group`). */
export type ServerCreateConversationInput = z.input<typeof ServerCreateConversationRequest>;

/** A named identity of the client that posts (a user flagged as a bot, created on first use). */
export const BotIdentity = z.strictObject({
  /** The client's own name for the bot; one user per (client, id). */
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore'),
  /** Shown to users; updated when the client posts with another name. */
  name: z.string().trim().min(1).max(100),
  avatarUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
});
export type BotIdentity = z.infer<typeof BotIdentity>;

/** `POST /v1/server/conversations/:id/messages`: a message posted as one of the client's bots. */
export const ServerPostMessageRequest = SendMessageRequest.extend({ bot: BotIdentity });
export type ServerPostMessageRequest = z.infer<typeof ServerPostMessageRequest>;
