import { createContext, useContext, type ReactNode } from 'react';
import type { Conversation, ConversationSnapshot, MessageSnapshot } from '@parley/sdk';
import './conversation-features.css';

/**
 * What the message rows and the composer share for replies, reactions and mentions: provided once by the
 * chat view, so the rows need no extra props through the virtualised list.
 */
export interface MessageFeatures {
  conversation: Conversation;
  snapshot: ConversationSnapshot;
  myId: string;
  /** The message the composer is replying to, or null. */
  replyingTo: MessageSnapshot | null;
  startReply: (message: MessageSnapshot) => void;
  cancelReply: () => void;
  /** Scrolls to a loaded message and flashes it; false when it is not loaded. */
  scrollToMessage: (messageId: string) => boolean;
}

const MessageFeaturesContext = createContext<MessageFeatures | null>(null);

export function MessageFeaturesProvider({
  value,
  children,
}: {
  value: MessageFeatures;
  children: ReactNode;
}) {
  return <MessageFeaturesContext.Provider value={value}>{children}</MessageFeaturesContext.Provider>;
}

/** Null outside a chat view (then rows show no reply/react actions). */
export function useMessageFeatures(): MessageFeatures | null {
  return useContext(MessageFeaturesContext);
}
