import type { CachedConversation } from '../model/conversation.js';
import type { OutgoingMessage } from '../outbox/send-queue.js';

/** Where a Messenger keeps conversations and recent messages between runs. Pluggable per platform. */
export interface CacheStore {
  loadConversations(): Promise<CachedConversation[]>;
  saveConversations(conversations: CachedConversation[]): Promise<void>;
  removeConversation(id: string): Promise<void>;
  /** Messages sent but not yet confirmed by the server, in send order. */
  loadOutbox(): Promise<OutgoingMessage[]>;
  /** Replaces the stored outbox with `messages` (the whole queue). */
  saveOutbox(messages: OutgoingMessage[]): Promise<void>;
  clear(): Promise<void>;
}
