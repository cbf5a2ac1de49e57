import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, ConversationEvent } from '@parley/protocol';
import {
  MemoryStore,
  Messenger,
  ParleyApiError,
  type CacheStore,
  type WebSocketFactory,
} from '../src/index.js';
import { FileStore, nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

let server: MessagingForTests;
const open: Messenger[] = [];

async function connect(
  session: AuthSession,
  extra: { store?: CacheStore; createWebSocket?: WebSocketFactory; fetch?: typeof fetch } = {},
): Promise<Messenger> {
  const m = await Messenger.connect({
    baseUrl: server.url,
    session,
    createWebSocket: nodeWebSocket,
    ...extra,
  });
  open.push(m);
  return m;
}

/** Records the conversation events a messenger emits, in emission order. */
function record(m: Messenger): ConversationEvent[] {
  const seen: ConversationEvent[] = [];
  m.on('event', ({ event }) => seen.push(event));
  return seen;
}

/** A fetch whose first answer to `GET <path>` waits until that path's hold settles; the request goes at once. */
function holdingFetch(holds: Record<string, () => Promise<unknown>>): {
  fetch: typeof fetch;
  asked: Set<string>;
} {
  const asked = new Set<string>();
  const holding: typeof fetch = async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const res = await fetch(input, init);
    const hold = holds[path];
    if (hold && (init?.method ?? 'GET') === 'GET' && !asked.has(path)) {
      asked.add(path);
      await hold();
    }
    return res;
  };
  return { fetch: holding, asked };
}

beforeAll(async () => {
  server = await startMessagingForTests({ label: 'sdk_messenger' });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

describe('Messenger against the real service', () => {
  it('asks renewTokens for a token when the session has no refresh token and its access token is refused', async () => {
    const annS = await server.signUp('renewer');
    let renewals = 0;
    const ann = await Messenger.connect({
      baseUrl: server.url,
      session: { ...annS, tokens: { ...annS.tokens, access_token: 'expired', refresh_token: undefined } },
      createWebSocket: nodeWebSocket,
      renewTokens: async () => {
        renewals++;
        return annS.tokens;
      },
    });
    open.push(ann);
    await ann.synced();
    const conv = await ann.createConversation({ type: 'group', title: 'Renewed', participants: [] });
    expect(conv.title).toBe('Renewed');
    expect(renewals).toBeGreaterThanOrEqual(1);
  });

  it('creates a distinct direct chat, sends both ways, and both sides see every event in order', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    const ben = await connect(benS);
    await Promise.all([ann.synced(), ben.synced()]);
    const benEvents = record(ben);

    const conv = await ann.createConversation({
      type: 'direct',
      participants: [benS.user.id],
      distinct: true,
    });
    const again = await ann.createConversation({
      type: 'direct',
      participants: [benS.user.id],
      distinct: true,
    });
    expect(again.id).toBe(conv.id);
    await conv.sendMessage('hi ben');
    await eventually(() => ben.conversation(conv.id)?.messages().length === 1, 'ben receives the message');
    await ben.conversation(conv.id)!.sendMessage('hi ann');
    await eventually(() => conv.messages().length === 2, 'ann receives the reply');

    expect(conv.messages().map((m) => m.text)).toEqual(['hi ben', 'hi ann']);
    expect(benEvents.map((e) => [e.seq, e.type])).toEqual([
      [1, 'conversation.created'],
      [2, 'message.sent'],
      [3, 'message.sent'],
    ]);
    expect(ben.conversation(conv.id)!.unreadCount).toBe(1);
  });

  it('a read on one device clears the unread count on the user’s other device', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    const benPhone = await connect(benS);
    const benLaptop = await connect(benS);
    await Promise.all([ann.synced(), benPhone.synced(), benLaptop.synced()]);
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    for (let i = 0; i < 3; i++) await conv.sendMessage(`m${i}`);
    await eventually(
      () =>
        benLaptop.conversation(conv.id)?.unreadCount === 3 &&
        benPhone.conversation(conv.id)?.unreadCount === 3,
      'three unread on both',
    );
    await benPhone.conversation(conv.id)!.markAsRead();
    await eventually(() => benLaptop.conversation(conv.id)!.unreadCount === 0, 'laptop badge cleared');
    expect(benPhone.conversation(conv.id)!.unreadCount).toBe(0);
    await eventually(
      () => conv.participants.find((p) => p.userId === benS.user.id)?.lastReadSeq === 4,
      'ann sees ben read',
    );
  });

  it('repairs a missed live event before emitting the later ones', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    // A lossy link: drop the frame of the third message.sent.
    let sentFrames = 0;
    const lossy: WebSocketFactory = (url) => {
      const ws = nodeWebSocket(url);
      const deliver = (handler: ((ev: { data: unknown }) => void) | null) => (ev: { data: unknown }) => {
        const frame = JSON.parse(String(ev.data));
        if (frame.type === 'event' && frame.event.type === 'message.sent' && ++sentFrames === 3) return;
        handler?.(ev);
      };
      let current: ((ev: { data: unknown }) => void) | null = null;
      Object.defineProperty(ws, 'onmessage', {
        get: () => current,
        set: (h) => {
          current = h;
          (
            ws as unknown as { addEventListener: (n: string, f: (e: { data: unknown }) => void) => void }
          ).addEventListener('message', deliver(h));
        },
      });
      return ws;
    };
    const ben = await connect(benS, { createWebSocket: lossy });
    await Promise.all([ann.synced(), ben.synced()]);
    const benEvents = record(ben);
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    for (let i = 1; i <= 6; i++) await conv.sendMessage(`n${i}`);
    await eventually(() => ben.conversation(conv.id)?.messages().length === 6, 'all six messages');
    expect(sentFrames).toBeGreaterThanOrEqual(6);
    expect(benEvents.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(
      ben
        .conversation(conv.id)!
        .messages()
        .map((m) => m.text),
    ).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('keeps one Conversation when a live event for an unknown conversation races the sync after ready', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    await ann.synced();
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    await conv.sendMessage('first');

    // Ben's device holds the answer to its sync (`GET /v1/me`) until a live event has made it ask for the
    // conversation on its own, and holds that answer until the sync has listed the conversation.
    const device: { ben?: Messenger } = {};
    let held: ReturnType<Messenger['conversation']>;
    const gate = holdingFetch({
      '/v1/me': () =>
        eventually(() => gate.asked.has(`/v1/conversations/${conv.id}`), 'the live event asked'),
      [`/v1/conversations/${conv.id}`]: async () => {
        held = await eventually(() => device.ben?.conversation(conv.id), 'the sync listed the conversation');
      },
    });
    const ben = (device.ben = await connect(benS, { fetch: gate.fetch }));
    await eventually(() => gate.asked.has('/v1/me'), 'the device syncing after ready');
    await conv.sendMessage('second');
    await ben.synced();
    await eventually(() => held !== undefined, 'the race played out');
    await conv.sendMessage('third');

    // seq 1 created it, 2-4 are the three messages.
    await eventually(() => held!.lastSeq === 4, 'the listed conversation at the last seq');
    expect(ben.conversation(conv.id)).toBe(held);
    expect(held!.messages().map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  it('keeps a conversation created while its sync answer was on the way', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    await ann.synced();
    // Ben's sync answer is read before the conversation exists and arrives after its live creation.
    const device: { ben?: Messenger; conversationId?: string } = {};
    const gate = holdingFetch({
      '/v1/me': () =>
        eventually(
          () =>
            device.conversationId !== undefined &&
            device.ben?.conversation(device.conversationId) !== undefined,
          'the live creation adopted',
        ),
    });
    const ben = (device.ben = await connect(benS, { fetch: gate.fetch }));
    const left: string[] = [];
    ben.on('conversationLeft', ({ conversationId: id }) => left.push(id));
    await eventually(() => gate.asked.has('/v1/me'), 'the device syncing after ready');
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    device.conversationId = conv.id;
    await ben.synced();
    const adopted = ben.conversation(conv.id);
    await conv.sendMessage('hello');

    await eventually(() => adopted?.lastSeq === 2, 'the adopted conversation gets the message');
    expect(ben.conversation(conv.id)).toBe(adopted);
    expect(left).toEqual([]);
  });

  it('catches up after being offline: every missed event once, in order, and nothing twice', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const store = new MemoryStore();
    const ann = await connect(annS);
    const first = await connect(benS, { store });
    await Promise.all([ann.synced(), first.synced()]);
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    await conv.sendMessage('before');
    await eventually(() => first.conversation(conv.id)?.messages().length === 1, 'first message');
    await first.close();
    open.splice(open.indexOf(first), 1);

    for (let i = 0; i < 40; i++) await conv.sendMessage(`away ${i}`);
    const msg = conv.messages()[0]!;
    await conv.editMessage(msg.id, 'before (edited)');

    const again = await connect(benS, { store });
    // From the cache at once, before the network answers.
    expect(
      again
        .conversation(conv.id)
        ?.messages()
        .map((m) => m.text),
    ).toEqual(['before']);
    const events = record(again);
    await again.synced();
    await eventually(() => events.length === 41, 'forty-one missed events');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 3));
    expect(again.conversation(conv.id)!.messages()).toHaveLength(41);
    expect(again.conversation(conv.id)!.messages()[0]!.text).toBe('before (edited)');
    expect(again.conversation(conv.id)!.unreadCount).toBe(41);
  });

  it('starts from a file cache in Node and saves what it learns', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const path = join(mkdtempSync(join(tmpdir(), 'parley-sdk-')), 'cache.json');
    const ann = await connect(annS, { store: new FileStore(path) });
    await ann.synced();
    const conv = await ann.createConversation({
      type: 'group',
      participants: [benS.user.id],
      title: 'cached',
    });
    await conv.sendMessage('kept on disk');
    await ann.close();
    open.splice(open.indexOf(ann), 1);
    const cached = await new FileStore(path).loadConversations();
    expect(cached.map((c) => c.conversation.title)).toEqual(['cached']);
    const restored = ann.createConversationFromCache(cached[0]!);
    expect(restored.messages().map((m) => m.text)).toEqual(['kept on disk']);
    expect(ann.createMessageFromCache(cached[0]!.messages[0]!).text).toBe('kept on disk');
  });

  it('pages older history in', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    await ann.synced();
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    for (let i = 0; i < 12; i++) await conv.sendMessage(`h${i}`);
    const ben = await connect(benS);
    await ben.synced();
    const mine = ben.conversation(conv.id)!;
    expect(mine.messages().map((m) => m.text)).toEqual(['h11']);
    await mine.loadOlder(5);
    await mine.loadOlder(5);
    await mine.loadOlder(5);
    expect(mine.messages().map((m) => m.text)).toEqual(Array.from({ length: 12 }, (_, i) => `h${i}`));
    expect(mine.hasOlder).toBe(false);
  });

  it('refuses an oversize message with a clear error and keeps working', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    const ann = await connect(annS);
    await ann.synced();
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    const err = await conv.sendMessage('x'.repeat(70_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect((err as ParleyApiError).status).toBe(413);
    await expect(conv.sendMessage('small')).resolves.toMatchObject({ text: 'small' });
  });

  it('says the session expired when the refresh token is refused, and stops', async () => {
    const annS = await server.signUp('ann');
    // Use the refresh token once elsewhere: rotation makes this copy worthless.
    await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: annS.tokens.refresh_token }),
    });
    const stale = { ...annS, tokens: { ...annS.tokens, access_token: 'expired.or.bogus' } };
    const ann = await connect(stale);
    const expired = new Promise<Error>((resolve) => ann.on('sessionExpired', resolve));
    await expect(ann.getUser()).rejects.toBeInstanceOf(ParleyApiError);
    expect(await expired).toBeInstanceOf(ParleyApiError);
    await eventually(() => ann.state === 'closed', 'connection stopped');
  });

  it('renews a short-lived access token on the open socket and over REST', async () => {
    const shortLived = await startMessagingForTests({
      label: 'sdk_messenger_short_tokens',
      env: { ACCESS_TOKEN_TTL_SECONDS: '10' },
    });
    try {
      const annS = await shortLived.signUp('ann');
      const renewed: string[] = [];
      const ann = await Messenger.connect({
        baseUrl: shortLived.url,
        session: annS,
        createWebSocket: nodeWebSocket,
        onSessionChange: (s) => renewed.push(s.tokens.access_token),
      });
      open.push(ann);
      await ann.synced();
      await new Promise((r) => setTimeout(r, 11_000));
      expect(renewed.length).toBeGreaterThan(0);
      expect(ann.state).toBe('online');
      await expect(ann.getUser()).resolves.toMatchObject({ user: { id: annS.user.id } });
    } finally {
      await Promise.all(open.splice(0).map((m) => m.close()));
      await shortLived.stop();
    }
  });
});
