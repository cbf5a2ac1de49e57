import type { CachedConversation } from '../model/conversation.js';
import type { OutgoingMessage } from '../outbox/send-queue.js';
import type { CacheStore } from './cache-store.js';

/** Keeps the cache in memory: for tests and short-lived Node processes. */
export class MemoryStore implements CacheStore {
  private readonly conversations = new Map<string, CachedConversation>();
  private outbox: OutgoingMessage[] = [];

  async loadConversations(): Promise<CachedConversation[]> {
    return [...this.conversations.values()].map((c) => structuredClone(c));
  }
  async saveConversations(conversations: CachedConversation[]): Promise<void> {
    for (const c of conversations) this.conversations.set(c.conversation.id, structuredClone(c));
  }
  async removeConversation(id: string): Promise<void> {
    this.conversations.delete(id);
  }
  async loadOutbox(): Promise<OutgoingMessage[]> {
    return structuredClone(this.outbox);
  }
  async saveOutbox(messages: OutgoingMessage[]): Promise<void> {
    this.outbox = structuredClone(messages);
  }
  async clear(): Promise<void> {
    this.conversations.clear();
    this.outbox = [];
  }
}
