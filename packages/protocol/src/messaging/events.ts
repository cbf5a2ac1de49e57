import { z } from 'zod';
import { CustomData } from '../common.js';
import { Conversation, Participant } from './conversations.js';
import { Message } from './messages.js';
import { MessagePart } from './parts.js';

const EventBase = z.object({
  /** Globally unique; also the bus job id, so a re-published event is never processed twice. */
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int().min(1),
  actorId: z.uuid(),
  /** The machine client that did this through the server API (its bot or the client itself is the actor). */
  actingClientId: z.string().optional(),
  createdAt: z.string(),
});

export const ConversationCreatedEvent = EventBase.extend({
  type: z.literal('conversation.created'),
  payload: z.object({ conversation: Conversation }),
});
export const ConversationUpdatedEvent = EventBase.extend({
  type: z.literal('conversation.updated'),
  payload: z.object({ title: z.string().nullable().optional(), customData: CustomData.optional() }),
});
export const ParticipantsAddedEvent = EventBase.extend({
  type: z.literal('participants.added'),
  payload: z.object({ participants: z.array(Participant), joined: z.boolean() }),
});
export const ParticipantsRemovedEvent = EventBase.extend({
  type: z.literal('participants.removed'),
  payload: z.object({ userIds: z.array(z.uuid()), left: z.boolean() }),
});
export const ParticipantUpdatedEvent = EventBase.extend({
  type: z.literal('participants.updated'),
  payload: z.object({ participant: Participant }),
});
export const MessageSentEvent = EventBase.extend({
  type: z.literal('message.sent'),
  payload: z.object({ message: Message }),
});
export const MessageEditedEvent = EventBase.extend({
  type: z.literal('message.edited'),
  payload: z.object({
    messageId: z.uuid(),
    messageSeq: z.number().int(),
    parts: z.array(MessagePart),
    editedAt: z.string(),
  }),
});
export const MessageRemovedEvent = EventBase.extend({
  type: z.literal('message.removed'),
  payload: z.object({ messageId: z.uuid(), messageSeq: z.number().int(), removedAt: z.string() }),
});
export const ConversationReadEvent = EventBase.extend({
  type: z.literal('conversation.read'),
  payload: z.object({ userId: z.uuid(), seq: z.number().int() }),
});

const ReactionChange = z.object({
  messageId: z.uuid(),
  messageSeq: z.number().int(),
  emoji: z.string(),
  userId: z.uuid(),
});
export const ReactionAddedEvent = EventBase.extend({
  type: z.literal('reaction.added'),
  payload: ReactionChange,
});
export const ReactionRemovedEvent = EventBase.extend({
  type: z.literal('reaction.removed'),
  payload: ReactionChange,
});

/** Every change in a conversation, in its replayable log. */
export const ConversationEvent = z.discriminatedUnion('type', [
  ConversationCreatedEvent,
  ConversationUpdatedEvent,
  ParticipantsAddedEvent,
  ParticipantsRemovedEvent,
  ParticipantUpdatedEvent,
  MessageSentEvent,
  MessageEditedEvent,
  MessageRemovedEvent,
  ConversationReadEvent,
  ReactionAddedEvent,
  ReactionRemovedEvent,
]);
export type ConversationEvent = z.infer<typeof ConversationEvent>;
export type ConversationEventType = ConversationEvent['type'];
export type ConversationEventOf<T extends ConversationEventType> = Extract<ConversationEvent, { type: T }>;
export const ConversationEventTypes = ConversationEvent.options.map((o) => o.shape.type.value);

export const RetransmitResponse = z.object({
  conversationId: z.uuid(),
  events: z.array(ConversationEvent),
  fromSeq: z.number().int(),
  /** Last seq covered by this page. */
  toSeq: z.number().int(),
  lastSeq: z.number().int(),
  /** Where the next page starts, or null when the requested range is complete. */
  nextFromSeq: z.number().int().nullable(),
});
export type RetransmitResponse = z.infer<typeof RetransmitResponse>;

/** How a device that was away catches up: replay the gap, or (gap too large) start from the latest page. */
export const CatchUpResponse = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('replay'),
    lastSeq: z.number().int(),
    gap: z.number().int(),
    page: RetransmitResponse,
  }),
  z.object({
    mode: z.literal('reset'),
    lastSeq: z.number().int(),
    gap: z.number().int(),
    reason: z.string(),
    conversation: Conversation,
    messages: z.array(Message),
    nextBefore: z.number().int().nullable(),
  }),
]);
export type CatchUpResponse = z.infer<typeof CatchUpResponse>;

export { MessagePart };
