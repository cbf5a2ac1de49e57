import type {
  ChannelListing,
  ConversationEvent,
  ConversationEventOf,
  User,
  UserPresence,
} from '@parley/protocol';
import type { Conversation } from './model/conversation.js';
import type { Message } from './model/message.js';
import type { ConnectionState } from './realtime/realtime-connection.js';

type Ev<T extends ConversationEvent['type']> = { conversation: Conversation; event: ConversationEventOf<T> };

/** Every event a Messenger emits. Conversation events arrive exactly once each and in seq order. */
export interface MessengerEvents {
  conversationCreated: (e: Ev<'conversation.created'>) => void;
  conversationUpdated: (e: Ev<'conversation.updated'>) => void;
  participantsAdded: (e: Ev<'participants.added'>) => void;
  participantsRemoved: (e: Ev<'participants.removed'>) => void;
  participantUpdated: (e: Ev<'participants.updated'>) => void;
  messageSent: (e: Ev<'message.sent'> & { message: Message }) => void;
  messageEdited: (e: Ev<'message.edited'> & { message: Message | undefined }) => void;
  messageRemoved: (e: Ev<'message.removed'> & { message: Message | undefined }) => void;
  conversationRead: (e: Ev<'conversation.read'>) => void;
  reactionAdded: (e: Ev<'reaction.added'> & { message: Message | undefined }) => void;
  reactionRemoved: (e: Ev<'reaction.removed'> & { message: Message | undefined }) => void;
  /** A new message from someone else mentions this user: notify (once per message). */
  mentioned: (e: { conversation: Conversation; message: Message }) => void;
  /** Any conversation event, after the specific one. */
  event: (e: { conversation: Conversation; event: ConversationEvent }) => void;
  /** A conversation's outgoing (not yet confirmed) messages changed: queued, attempted, failed or sent. */
  outgoingChanged: (e: { conversationId: string }) => void;
  /** The list, a conversation's state or its loaded messages changed: re-render. */
  conversationsChanged: () => void;
  /** The device was away too long: this conversation restarted from the latest page. */
  conversationReset: (e: { conversation: Conversation; reason: string }) => void;
  /** This user left or was removed: the conversation is gone from the list. */
  conversationLeft: (e: { conversationId: string }) => void;
  typing: (e: { conversationId: string; userId: string; active: boolean }) => void;
  /** A user's presence changed (live, or read after `presence(userId)` was first asked). */
  presenceChanged: (presence: Readonly<UserPresence>) => void;
  stateChanged: (state: ConnectionState) => void;
  /** The refresh token was refused: the user must log in again. The messenger has stopped. */
  sessionExpired: (error: Error) => void;
  /** The first sync after a (re)connect finished. */
  synced: () => void;
  error: (error: Error) => void;
}

export type { ChannelListing, User, UserPresence };
