import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CachedConversation } from '../model/conversation.js';
import type { OutgoingMessage } from '../outbox/send-queue.js';
import type { CacheStore } from './cache-store.js';

interface ParleyCacheSchema extends DBSchema {
  conversations: { key: string; value: CachedConversation };
  /** One record, key 'queue': the whole outbox, written in one put so it is never half saved. */
  outbox: { key: string; value: OutgoingMessage[] };
}

/** Browser cache in IndexedDB, one database per name (use one per user). */
export class IndexedDbStore implements CacheStore {
  private db: Promise<IDBPDatabase<ParleyCacheSchema>> | undefined;

  constructor(
    private readonly name: string,
    private readonly factory?: IDBFactory,
  ) {}

  private open(): Promise<IDBPDatabase<ParleyCacheSchema>> {
    if (this.factory) (globalThis as { indexedDB?: IDBFactory }).indexedDB ??= this.factory;
    this.db ??= openDB<ParleyCacheSchema>(this.name, 2, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore('conversations', { keyPath: 'conversation.id' });
        if (oldVersion < 2) db.createObjectStore('outbox');
      },
    });
    return this.db;
  }

  async loadConversations(): Promise<CachedConversation[]> {
    return (await this.open()).getAll('conversations');
  }

  async saveConversations(conversations: CachedConversation[]): Promise<void> {
    const tx = (await this.open()).transaction('conversations', 'readwrite');
    await Promise.all([...conversations.map((c) => tx.store.put(c)), tx.done]);
  }

  async removeConversation(id: string): Promise<void> {
    await (await this.open()).delete('conversations', id);
  }

  async loadOutbox(): Promise<OutgoingMessage[]> {
    return (await (await this.open()).get('outbox', 'queue')) ?? [];
  }

  async saveOutbox(messages: OutgoingMessage[]): Promise<void> {
    await (await this.open()).put('outbox', messages, 'queue');
  }

  async clear(): Promise<void> {
    const db = await this.open();
    await Promise.all([db.clear('conversations'), db.clear('outbox')]);
  }
}
