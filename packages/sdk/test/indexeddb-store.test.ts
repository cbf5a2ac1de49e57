import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore, type CachedConversation } from '../src/index.js';

const cached = (id: string, title: string): CachedConversation => ({
  conversation: {
    id,
    type: 'group',
    title,
    customData: {},
    distinct: false,
    createdBy: id,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastSeq: 3,
    participants: [],
  },
  appliedSeq: 3,
  lastReadSeq: 1,
  unreadCount: 2,
  hasOlder: false,
  messages: [],
});

describe('IndexedDbStore', () => {
  it('saves, replaces, lists and removes cached conversations', async () => {
    const store = new IndexedDbStore(`parley-test-${Math.random()}`);
    await store.saveConversations([cached('a', 'one'), cached('b', 'two')]);
    await store.saveConversations([cached('a', 'one, renamed')]);
    const all = await store.loadConversations();
    expect(all.map((c) => c.conversation.title).sort()).toEqual(['one, renamed', 'two']);
    await store.removeConversation('b');
    expect((await store.loadConversations()).map((c) => c.conversation.id)).toEqual(['a']);
    await store.clear();
    expect(await store.loadConversations()).toEqual([]);
  });
});
