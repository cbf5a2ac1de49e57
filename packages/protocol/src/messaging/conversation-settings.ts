import { z } from 'zod';

/** One participant's own settings for a conversation; nobody else sees or changes them. */
export const ConversationSettings = z.object({
  /** Pinned conversations are listed first. */
  pinned: z.boolean(),
  /** No notifications for a muted conversation (messages still arrive and count as unread). */
  muted: z.boolean(),
});
export type ConversationSettings = z.infer<typeof ConversationSettings>;

/** `PATCH /v1/conversations/:id/settings` */
export const UpdateConversationSettingsRequest = z
  .strictObject({ pinned: z.boolean().optional(), muted: z.boolean().optional() })
  .refine((r) => r.pinned !== undefined || r.muted !== undefined, 'give pinned or muted');
export type UpdateConversationSettingsRequest = z.infer<typeof UpdateConversationSettingsRequest>;

export const ConversationSettingsResponse = ConversationSettings.extend({ conversationId: z.uuid() });
export type ConversationSettingsResponse = z.infer<typeof ConversationSettingsResponse>;
