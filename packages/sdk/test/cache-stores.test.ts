import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { IndexedDbStore, type CachedConversation, type OutgoingMessage } from '../src/index.js';
import { FileStore } from '../src/node.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outgoing = (id: string): OutgoingMessage => ({
  clientMessageId: id,
  conversationId: 'a',
  parts: [{ mimeType: 'text/plain', body: id }],
  queuedAt: 1,
  tryingSince: 1,
  status: 'pending',
  attempts: 0,
  notBefore: 1,
});

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

describe('the outbox in a cache store', () => {
  it('IndexedDbStore keeps the queue, replaces it whole and clears it with the rest', async () => {
    const store = new IndexedDbStore(`parley-test-${Math.random()}`);
    expect(await store.loadOutbox()).toEqual([]);
    await store.saveOutbox([outgoing('x'), outgoing('y')]);
    await store.saveOutbox([outgoing('y')]);
    expect((await store.loadOutbox()).map((m) => m.clientMessageId)).toEqual(['y']);
    await store.clear();
    expect(await store.loadOutbox()).toEqual([]);
  });

  it('IndexedDbStore opens a database written before the outbox existed and keeps its conversations', async () => {
    const name = `parley-test-${Math.random()}`;
    const old = await openDB(name, 1, {
      upgrade: (db) => db.createObjectStore('conversations', { keyPath: 'conversation.id' }),
    });
    await old.put('conversations', cached('a', 'from version 1'));
    old.close();
    const store = new IndexedDbStore(name);
    expect((await store.loadConversations()).map((c) => c.conversation.title)).toEqual(['from version 1']);
    await store.saveOutbox([outgoing('z')]);
    expect(await store.loadOutbox()).toHaveLength(1);
  });

  it('FileStore keeps the queue beside the conversations and reads a file written before it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parley-sdk-')), 'cache.json');
    writeFileSync(path, JSON.stringify({ a: cached('a', 'old format') }));
    const store = new FileStore(path);
    expect((await store.loadConversations()).map((c) => c.conversation.title)).toEqual(['old format']);
    expect(await store.loadOutbox()).toEqual([]);
    await store.saveOutbox([outgoing('x')]);
    const reopened = new FileStore(path);
    expect((await reopened.loadOutbox()).map((m) => m.clientMessageId)).toEqual(['x']);
    expect(await reopened.loadConversations()).toHaveLength(1);
  });
});
