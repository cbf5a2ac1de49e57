import { randomUUID } from 'node:crypto';
import type { ConversationEventType } from '@parley/protocol';
import type { Topic, TopicPayloads } from '../src/index.js';

const at = '2024-05-01T10:00:00.000Z';

const participant = () => ({
  userId: randomUUID(),
  username: 'ann',
  displayName: 'Ann',
  permissions: { write: true, editOwn: true, editAll: false, manageParticipants: false, owner: false },
  lastReadSeq: 0,
  joinedAt: at,
});

/** The `payload` of each conversation event type: the smallest value its protocol schema accepts. */
const innerPayloads: { [T in ConversationEventType]: (conversationId: string) => unknown } = {
  'conversation.created': (conversationId) => ({
    conversation: {
      id: conversationId,
      type: 'group',
      title: null,
      customData: {},
      distinct: false,
      createdBy: randomUUID(),
      createdAt: at,
      updatedAt: at,
      lastSeq: 1,
      participants: [participant()],
    },
  }),
  'conversation.updated': () => ({ title: 'renamed' }),
  'participants.added': () => ({ participants: [participant()], joined: false }),
  'participants.removed': () => ({ userIds: [randomUUID()], left: false }),
  'participants.updated': () => ({ participant: participant() }),
  'message.sent': (conversationId) => ({
    message: {
      id: randomUUID(),
      conversationId,
      seq: 1,
      senderId: randomUUID(),
      clientMessageId: 'c-1',
      parts: [{ mimeType: 'text/plain', body: 'hello' }],
      createdAt: at,
      editedAt: null,
      removedAt: null,
    },
  }),
  'message.edited': () => ({
    messageId: randomUUID(),
    messageSeq: 1,
    parts: [{ mimeType: 'text/plain', body: 'hello again' }],
    editedAt: at,
  }),
  'message.removed': () => ({ messageId: randomUUID(), messageSeq: 1, removedAt: at }),
  'conversation.read': () => ({ userId: randomUUID(), seq: 1 }),
  'reaction.added': () => ({ messageId: randomUUID(), messageSeq: 1, emoji: '👍', userId: randomUUID() }),
  'reaction.removed': () => ({ messageId: randomUUID(), messageSeq: 1, emoji: '👍', userId: randomUUID() }),
};

/** A conversation event that fits the protocol schema of `topic`, with `eventId` as its id. */
export function conversationEventFor<T extends Topic>(topic: T, eventId: string): TopicPayloads[T] {
  const type = topic.replace(/\.v\d+$/, '') as ConversationEventType;
  const conversationId = randomUUID();
  return {
    id: eventId,
    conversationId,
    seq: 1,
    type,
    actorId: randomUUID(),
    createdAt: at,
    payload: innerPayloads[type](conversationId),
  } as TopicPayloads[T];
}

/** A fresh event id and its payload, ready for `bus.publish(topic, ...)`. */
export function newEvent<T extends Topic>(topic: T): { id: string; payload: TopicPayloads[T] } {
  const id = randomUUID();
  return { id, payload: conversationEventFor(topic, id) };
}
