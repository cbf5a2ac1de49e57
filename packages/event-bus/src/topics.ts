import {
  CallEndedEvent,
  ProviderCallUpdatedEvent,
  ProviderEvent,
  VoiceCallEndedEvent,
  VoiceSignalEvent,
  ConversationCreatedEvent,
  ConversationReadEvent,
  ConversationUpdatedEvent,
  MessageEditedEvent,
  MessageRemovedEvent,
  MessageSentEvent,
  ParticipantUpdatedEvent,
  ParticipantsAddedEvent,
  ParticipantsRemovedEvent,
  ReactionAddedEvent,
  ReactionRemovedEvent,
  type ConversationEventOf,
  type ConversationEventType,
} from '@parley/protocol';
import type { z } from 'zod';
import { parsePayload } from './invalid-payload.js';

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
  /**
   * messaging: a message written by a guest (a site's visitor), for the support desk. The same event as its
   * `message.sent.v1`, published again under an id of its own so that the desk gets a job for its visitors'
   * messages only, not for every message of every conversation.
   */
  guestMessageSent: 'guest.message.sent.v1',
  messageEdited: 'message.edited.v1',
  messageRemoved: 'message.removed.v1',
  conversationRead: 'conversation.read.v1',
  reactionAdded: 'reaction.added.v1',
  reactionRemoved: 'reaction.removed.v1',
  /** terminal-core: a call between two numbers is over (not a conversation event). */
  callEnded: 'call.ended.v1',
  /** messaging: a voice negotiation signal was accepted (live delivery is separate, over pub/sub). */
  voiceSignal: 'voice.signal.v1',
  /** voice-proxy: a proxied call is over (its call detail record is final). */
  voiceCallEnded: 'voice.call.ended.v1',
  /** webhook-gateway: a verified, stored provider webhook, normalised; applied to the call it is about. */
  providerEvent: 'provider.event.v1',
  /** webhook-gateway: a provider call changed; messaging writes it into the conversation's voip-link message. */
  providerCallUpdated: 'provider.call.updated.v1',
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
  'guest.message.sent.v1': ConversationEventOf<'message.sent'>;
  'message.edited.v1': ConversationEventOf<'message.edited'>;
  'message.removed.v1': ConversationEventOf<'message.removed'>;
  'conversation.read.v1': ConversationEventOf<'conversation.read'>;
  'reaction.added.v1': ConversationEventOf<'reaction.added'>;
  'reaction.removed.v1': ConversationEventOf<'reaction.removed'>;
  'call.ended.v1': CallEndedEvent;
  'voice.signal.v1': VoiceSignalEvent;
  'voice.call.ended.v1': VoiceCallEndedEvent;
  'provider.event.v1': ProviderEvent;
  'provider.call.updated.v1': ProviderCallUpdatedEvent;
}

// Compile-time guard: adding a topic without a payload type (or the reverse) fails the build here.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const everyTopicHasAPayload: Exact<keyof TopicPayloads, Topic> = true;
void everyTopicHasAPayload;

/**
 * The protocol schema of each topic's payload: a publisher's payload is parsed with it before anything is
 * written to Redis, and a consumer's job data again before its handler runs. The annotation ties each schema
 * to the payload type above, so the two cannot drift apart.
 */
const topicSchemas: { readonly [K in Topic]: z.ZodType<TopicPayloads[K]> } = {
  'conversation.created.v1': ConversationCreatedEvent,
  'conversation.updated.v1': ConversationUpdatedEvent,
  'participants.added.v1': ParticipantsAddedEvent,
  'participants.removed.v1': ParticipantsRemovedEvent,
  'participants.updated.v1': ParticipantUpdatedEvent,
  'message.sent.v1': MessageSentEvent,
  'guest.message.sent.v1': MessageSentEvent,
  'message.edited.v1': MessageEditedEvent,
  'message.removed.v1': MessageRemovedEvent,
  'conversation.read.v1': ConversationReadEvent,
  'reaction.added.v1': ReactionAddedEvent,
  'reaction.removed.v1': ReactionRemovedEvent,
  'call.ended.v1': CallEndedEvent,
  'voice.signal.v1': VoiceSignalEvent,
  'voice.call.ended.v1': VoiceCallEndedEvent,
  'provider.event.v1': ProviderEvent,
  'provider.call.updated.v1': ProviderCallUpdatedEvent,
};

/** Throws InvalidPayloadError (naming the topic, the event id and the mismatches) unless `payload` fits. */
export function parseTopicPayload<T extends Topic>(
  topic: T,
  eventId: string,
  payload: unknown,
): TopicPayloads[T] {
  return parsePayload(topicSchemas[topic], payload, topic, eventId);
}

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
  'reaction.added': Topics.reactionAdded,
  'reaction.removed': Topics.reactionRemoved,
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
