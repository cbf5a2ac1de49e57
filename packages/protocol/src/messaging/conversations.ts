import { z } from 'zod';
import { CustomData } from '../common.js';
import { MessagingLimits } from './limits.js';
import { Message } from './messages.js';

export const ConversationType = z.enum(['direct', 'group', 'channel']);
export type ConversationType = z.infer<typeof ConversationType>;

/** What a participant may do. `owner` implies all the others. */
export const Permissions = z.strictObject({
  write: z.boolean(),
  editOwn: z.boolean(),
  editAll: z.boolean(),
  manageParticipants: z.boolean(),
  owner: z.boolean(),
});
export type Permissions = z.infer<typeof Permissions>;
export const PermissionsPatch = Permissions.partial();
export type PermissionsPatch = z.infer<typeof PermissionsPatch>;

export const Participant = z.object({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  permissions: Permissions,
  lastReadSeq: z.number().int(),
  joinedAt: z.string(),
  /** Present (true) for a bot a machine client posts as: clients render it as a bot. */
  bot: z.literal(true).optional(),
});
export type Participant = z.infer<typeof Participant>;

export const Conversation = z.object({
  id: z.uuid(),
  type: ConversationType,
  title: z.string().nullable(),
  customData: CustomData,
  distinct: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeq: z.number().int(),
  participants: z.array(Participant),
});
export type Conversation = z.infer<typeof Conversation>;

/** A conversation as its participant sees it in `GET /v1/me`. */
export const ConversationSummary = Conversation.extend({
  lastReadSeq: z.number().int(),
  unreadCount: z.number().int(),
  lastMessage: Message.nullable(),
  /** This user's own settings (see `ConversationSettings`). */
  pinned: z.boolean().default(false),
  muted: z.boolean().default(false),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

const ParticipantRef = z.uuid();

export const CreateConversationRequest = z
  .strictObject({
    type: ConversationType.default('group'),
    /** Other participants (user ids); the creator is always added. */
    participants: z.array(ParticipantRef).max(MessagingLimits.maxParticipantsPerRequest).default([]),
    /** Re-creating with the same participant set returns the existing conversation. */
    distinct: z.boolean().optional(),
    title: z.string().min(1).max(MessagingLimits.maxTitleLength).optional(),
    customData: CustomData.optional(),
    /** Permissions granted to people who join a channel themselves. */
    joinPermissions: PermissionsPatch.optional(),
  })
  .superRefine((req, ctx) => {
    if (req.type === 'direct' && req.participants.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['participants'],
        message: 'a direct conversation has exactly one other participant',
      });
    }
    if (req.type === 'channel' && req.distinct) {
      ctx.addIssue({ code: 'custom', path: ['distinct'], message: 'channels cannot be distinct' });
    }
  });
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

export const UpdateConversationRequest = z
  .strictObject({
    title: z.string().min(1).max(MessagingLimits.maxTitleLength).nullable().optional(),
    customData: CustomData.optional(),
  })
  .refine((r) => r.title !== undefined || r.customData !== undefined, { message: 'nothing to update' });
export type UpdateConversationRequest = z.infer<typeof UpdateConversationRequest>;

export const AddParticipantsRequest = z.strictObject({
  participants: z
    .array(z.strictObject({ userId: ParticipantRef, permissions: PermissionsPatch.optional() }))
    .min(1)
    .max(MessagingLimits.maxParticipantsPerRequest),
});
export type AddParticipantsRequest = z.infer<typeof AddParticipantsRequest>;

export const UpdateParticipantRequest = z.strictObject({ permissions: PermissionsPatch });
export type UpdateParticipantRequest = z.infer<typeof UpdateParticipantRequest>;

export const ListConversationsQuery = z.strictObject({
  type: ConversationType.optional(),
});

export const ChannelDirectoryQuery = z.strictObject({
  q: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ChannelListing = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  participantCount: z.number().int(),
  lastSeq: z.number().int(),
  joined: z.boolean(),
});
export type ChannelListing = z.infer<typeof ChannelListing>;
