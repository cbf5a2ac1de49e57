import type { CachedConversation } from '../model/conversation.js';

/** Where a Messenger keeps conversations and recent messages between runs. Pluggable per platform. */
export interface CacheStore {
  loadConversations(): Promise<CachedConversation[]>;
  saveConversations(conversations: CachedConversation[]): Promise<void>;
  removeConversation(id: string): Promise<void>;
  clear(): Promise<void>;
}
