import {
  replyExcerpt,
  type Conversation as ConversationData,
  type ConversationEvent,
} from '@parley/protocol';
import type { MessageSnapshot } from '../model/message.js';
import { mentionsUser, withReaction } from '../model/reactions.js';

/** The loaded messages of a conversation by id; a `Map` of message data fits. */
export interface LoadedMessages {
  get(id: string): MessageSnapshot | undefined;
  values(): Iterable<MessageSnapshot>;
}

/** What the reducer reads: one conversation as this device holds it. */
export interface ConversationState {
  /** The signed-in user: their own messages are never unread, their removal means the conversation is gone. */
  readonly userId: string;
  readonly data: ConversationData;
  readonly lastReadSeq: number;
  readonly unreadCount: number;
  /** Only what this device loaded: a conversation's history is paged in, never complete. */
  readonly messages: LoadedMessages;
}

/**
 * One change to apply, in order. Each names the per-conversation event it announces, so the caller applies
 * the change and emits the event in one step.
 */
export type ConversationEffect =
  /** The conversation's own fields (title, participants, lastSeq, …) are now `data`. */
  | { type: 'dataChanged'; data: ConversationData }
  /** A message this device did not hold. */
  | { type: 'messageAdded'; message: MessageSnapshot }
  /** A loaded message was edited (or its stored copy differs from the one held). */
  | { type: 'messageUpdated'; message: MessageSnapshot }
  /** A loaded message was removed; it stays in the list as a tombstone. */
  | { type: 'messageRemoved'; message: MessageSnapshot }
  | { type: 'unreadChanged'; lastReadSeq: number; unreadCount: number }
  /** A new message from someone else mentions this user (announced once, when its event is applied). */
  | { type: 'mentioned'; message: MessageSnapshot }
  /** This user's own message is stored: the outbox may stop sending it. */
  | { type: 'ownMessageStored'; message: MessageSnapshot }
  /** This user left or was removed: the conversation is gone from this device. */
  | { type: 'left' };

/**
 * Applies one conversation event, already in seq order, to the state this device holds and returns what
 * changed. Pure: no I/O and no mutation, so every event type and the unread arithmetic are testable with plain
 * data. Unread counting follows the server's rule: messages from others after the user's lastReadSeq that
 * are not removed; one lastReadSeq per user, so a read on any device clears the count on all of them.
 */
export function reduceConversationEvent(
  state: ConversationState,
  event: ConversationEvent,
): ConversationEffect[] {
  const effects: ConversationEffect[] = [];
  let data: ConversationData = {
    ...state.data,
    lastSeq: Math.max(state.data.lastSeq, event.seq),
    updatedAt: event.createdAt,
  };
  let read = { lastReadSeq: state.lastReadSeq, unreadCount: state.unreadCount };

  switch (event.type) {
    case 'conversation.created':
      data = { ...event.payload.conversation, lastSeq: data.lastSeq };
      break;
    case 'conversation.updated': {
      const { title, customData } = event.payload;
      if (title !== undefined) data.title = title;
      if (customData !== undefined) data.customData = customData;
      break;
    }
    case 'participants.added': {
      const ids = new Set(event.payload.participants.map((p) => p.userId));
      data.participants = [
        ...data.participants.filter((p) => !ids.has(p.userId)),
        ...event.payload.participants,
      ];
      break;
    }
    case 'participants.removed': {
      const ids = new Set(event.payload.userIds);
      data.participants = data.participants.filter((p) => !ids.has(p.userId));
      if (ids.has(state.userId)) return [{ type: 'dataChanged', data }, { type: 'left' }];
      break;
    }
    case 'participants.updated': {
      const updated = event.payload.participant;
      data.participants = data.participants.map((p) => (p.userId === updated.userId ? updated : p));
      break;
    }
    case 'message.sent': {
      const message = event.payload.message;
      const held = state.messages.get(message.id);
      // Already held (this device's send was answered first, or a history page brought it): the held copy
      // is at least as new as this creation event.
      if (!held) effects.push({ type: 'messageAdded', message });
      if (mentionsUser(message, state.userId) && !held?.removedAt)
        effects.push({ type: 'mentioned', message: held ?? message });
      if (message.senderId === state.userId) effects.push({ type: 'ownMessageStored', message });
      // Each event is applied exactly once, so this counts each message once however it reached the device.
      else if (message.seq > read.lastReadSeq && !held?.removedAt)
        read = { ...read, unreadCount: read.unreadCount + 1 };
      break;
    }
    case 'message.edited': {
      const message = state.messages.get(event.payload.messageId);
      if (message) {
        const edited = { ...message, parts: event.payload.parts, editedAt: event.payload.editedAt };
        if (!sameMessage(message, edited)) effects.push({ type: 'messageUpdated', message: edited });
      }
      effects.push(...quotesFollow(state, event.payload.messageId, replyExcerpt(event.payload.parts), false));
      break;
    }
    case 'message.removed': {
      const message = state.messages.get(event.payload.messageId);
      if (message && !message.removedAt) {
        if (isUnreadFromOthers(state, message, read.lastReadSeq))
          read = { ...read, unreadCount: Math.max(0, read.unreadCount - 1) };
        effects.push({
          type: 'messageRemoved',
          message: { ...message, parts: [], removedAt: event.payload.removedAt, ...hiddenWhenRemoved },
        });
      }
      effects.push(...quotesFollow(state, event.payload.messageId, '', true));
      break;
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const { messageId, emoji, userId } = event.payload;
      const message = state.messages.get(messageId);
      if (message && !message.removedAt) {
        const before = message.reactions ?? [];
        const reactions = withReaction(before, emoji, userId, event.type === 'reaction.added');
        if (reactions !== before)
          effects.push({ type: 'messageUpdated', message: { ...message, reactions } });
      }
      break;
    }
    case 'conversation.read': {
      const { userId, seq } = event.payload;
      data.participants = data.participants.map((p) =>
        p.userId === userId ? { ...p, lastReadSeq: seq } : p,
      );
      if (userId === state.userId) read = readMarkOutcome(state, data.lastSeq, read, seq);
      break;
    }
  }

  effects.unshift({ type: 'dataChanged', data });
  if (read.lastReadSeq !== state.lastReadSeq || read.unreadCount !== state.unreadCount)
    effects.push({ type: 'unreadChanged', ...read });
  return effects;
}

/**
 * This user read up to `seq` (here, or the server said so): the count drops by the unread messages this
 * device holds up to `seq`, and to zero when `seq` reaches the end. Nothing when `seq` is not ahead.
 */
export function applyOwnReadMark(state: ConversationState, seq: number): ConversationEffect[] {
  const read = readMarkOutcome(state, state.data.lastSeq, state, seq);
  if (read.lastReadSeq === state.lastReadSeq && read.unreadCount === state.unreadCount) return [];
  return [{ type: 'unreadChanged', ...read }];
}

/** The server's read state for this user as of `lastSeq` (a conversation summary from /v1/me). */
export interface ReadSummary {
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
}

/**
 * The read state after a sync: the server's summary, plus what this device applied past the summary's seq
 * while the summary was in flight (live messages from others, a newer read mark). Taking the summary as
 * it stands would undo those events and leave the count short.
 */
export function readStateAfterSync(
  state: ConversationState,
  summary: ReadSummary,
): { lastReadSeq: number; unreadCount: number } {
  let read = { lastReadSeq: summary.lastReadSeq, unreadCount: summary.unreadCount };
  if (state.data.lastSeq <= summary.lastSeq) return read;
  for (const m of state.messages.values())
    if (m.seq > summary.lastSeq && isUnreadFromOthers(state, m, read.lastReadSeq)) read.unreadCount += 1;
  if (state.lastReadSeq > read.lastReadSeq)
    read = readMarkOutcome(state, state.data.lastSeq, read, state.lastReadSeq);
  return read;
}

/**
 * The server's answer to this device's send or edit: the stored message, which the live event may already
 * have brought (then nothing changes) or may bring later (then that event changes nothing).
 */
export function storeMessage(state: ConversationState, message: MessageSnapshot): ConversationEffect[] {
  const held = state.messages.get(message.id);
  const effects: ConversationEffect[] = [];
  if (!held) effects.push({ type: 'messageAdded', message });
  else if (!sameMessage(held, message) && !isStale(held, message))
    effects.push({ type: 'messageUpdated', message });
  if (message.senderId === state.userId) effects.push({ type: 'ownMessageStored', message });
  return effects;
}

/** An answer that left the server before a later change this device already applied. */
function isStale(held: MessageSnapshot, answer: MessageSnapshot): boolean {
  if (held.removedAt) return true;
  return held.editedAt !== null && (answer.editedAt === null || answer.editedAt < held.editedAt);
}

function readMarkOutcome(
  state: ConversationState,
  lastSeq: number,
  read: { lastReadSeq: number; unreadCount: number },
  seq: number,
): { lastReadSeq: number; unreadCount: number } {
  if (seq <= read.lastReadSeq) return read;
  if (seq >= lastSeq) return { lastReadSeq: seq, unreadCount: 0 };
  let cleared = 0;
  for (const m of state.messages.values())
    if (m.seq <= seq && isUnreadFromOthers(state, m, read.lastReadSeq)) cleared += 1;
  return { lastReadSeq: seq, unreadCount: Math.max(0, read.unreadCount - cleared) };
}

function isUnreadFromOthers(state: ConversationState, m: MessageSnapshot, lastReadSeq: number): boolean {
  return m.senderId !== state.userId && m.seq > lastReadSeq && !m.removedAt;
}

/** A removed message shows no content: neither its reactions, its quote nor its mentions (as from the server). */
const hiddenWhenRemoved = { reactions: [], replyPreview: null, mentions: [] };

/**
 * Loaded replies quoting `messageId` show its new text (edited) or no text (removed), as the server's copies
 * of them do: a reply's quote never shows what its author took back.
 */
function quotesFollow(
  state: ConversationState,
  messageId: string,
  excerpt: string,
  removed: boolean,
): ConversationEffect[] {
  const effects: ConversationEffect[] = [];
  for (const m of state.messages.values()) {
    const preview = m.replyTo === messageId ? m.replyPreview : null;
    if (!preview || (preview.excerpt === excerpt && preview.removed === removed)) continue;
    effects.push({
      type: 'messageUpdated',
      message: { ...m, replyPreview: { ...preview, excerpt, removed } },
    });
  }
  return effects;
}

function sameMessage(a: MessageSnapshot, b: MessageSnapshot): boolean {
  return (
    a.seq === b.seq &&
    a.editedAt === b.editedAt &&
    a.removedAt === b.removedAt &&
    a.clientMessageId === b.clientMessageId &&
    (a.parts === b.parts || JSON.stringify(a.parts) === JSON.stringify(b.parts)) &&
    (a.reactions === b.reactions ||
      JSON.stringify(a.reactions ?? []) === JSON.stringify(b.reactions ?? [])) &&
    JSON.stringify(a.replyPreview ?? null) === JSON.stringify(b.replyPreview ?? null)
  );
}
