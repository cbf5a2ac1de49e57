import type { ConversationEventOf, ConversationEventType } from '@parley/protocol';

/**
 * Every topic the bus carries. A topic string is also the BullMQ job name stored in Redis and the key of the
 * group registry, so a shipped value is never renamed: a changed payload gets a new `.vN` topic instead.
 */
export const Topics = {
  conversationCreated: 'conversation.created.v1',
  conversationUpdated: 'conversation.updated.v1',
  participantsAdded: 'participants.added.v1',
  participantsRemoved: 'participants.removed.v1',
  participantsUpdated: 'participants.updated.v1',
  messageSent: 'message.sent.v1',
  messageEdited: 'message.edited.v1',
  messageRemoved: 'message.removed.v1',
  conversationRead: 'conversation.read.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** What each topic carries: the conversation event as stored in the conversation's log. */
export interface TopicPayloads {
  'conversation.created.v1': ConversationEventOf<'conversation.created'>;
  'conversation.updated.v1': ConversationEventOf<'conversation.updated'>;
  'participants.added.v1': ConversationEventOf<'participants.added'>;
  'participants.removed.v1': ConversationEventOf<'participants.removed'>;
  'participants.updated.v1': ConversationEventOf<'participants.updated'>;
  'message.sent.v1': ConversationEventOf<'message.sent'>;
  'message.edited.v1': ConversationEventOf<'message.edited'>;
  'message.removed.v1': ConversationEventOf<'message.removed'>;
  'conversation.read.v1': ConversationEventOf<'conversation.read'>;
}

// Compile-time guard: adding a topic without a payload type (or the reverse) fails the build here.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const everyTopicHasAPayload: Exact<keyof TopicPayloads, Topic> = true;
void everyTopicHasAPayload;

/** `satisfies` keeps a new conversation event type from compiling until it is given a topic. */
const topicByConversationEventType = {
  'conversation.created': Topics.conversationCreated,
  'conversation.updated': Topics.conversationUpdated,
  'participants.added': Topics.participantsAdded,
  'participants.removed': Topics.participantsRemoved,
  'participants.updated': Topics.participantsUpdated,
  'message.sent': Topics.messageSent,
  'message.edited': Topics.messageEdited,
  'message.removed': Topics.messageRemoved,
  'conversation.read': Topics.conversationRead,
} as const satisfies Record<ConversationEventType, Topic>;

const knownTopics: ReadonlySet<string> = new Set<string>(Object.values(Topics));

/** The topic a conversation event is published on, e.g. `message.sent` -> `message.sent.v1`. */
export function topicOfConversationEvent(type: ConversationEventType): Topic {
  const topic = (topicByConversationEventType as Record<string, Topic | undefined>)[type];
  if (!topic) throw new Error(`event bus: no topic for conversation event type "${String(type)}"`);
  return topic;
}

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && knownTopics.has(value);
}

/** Run-time check for values that escaped the type system (outbox rows, casts). */
export function assertTopic(value: unknown): asserts value is Topic {
  if (!isTopic(value)) throw new Error(`event bus: unknown topic "${String(value)}"`);
}

export function allTopics(): Topic[] {
  return Object.values(Topics);
}
