import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '@parley/protocol';
import {
  Messenger,
  ParleyApiError,
  type Conversation,
  type ConversationSnapshot,
  type WebSocketFactory,
  type WebSocketLike,
} from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

let server: MessagingForTests;
const open: Messenger[] = [];

async function connect(session: AuthSession, createWebSocket: WebSocketFactory = nodeWebSocket) {
  const m = await Messenger.connect({ baseUrl: server.url, session, createWebSocket });
  open.push(m);
  return m;
}

async function pair() {
  const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
  const ann = await connect(annS);
  const ben = await connect(benS);
  await Promise.all([ann.synced(), ben.synced()]);
  const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
  await eventually(() => ben.conversation(conv.id) !== undefined, 'ben knows the conversation');
  return { annS, benS, ann, ben, conv, benConv: ben.conversation(conv.id)! };
}

/** Everything a conversation emits, in order, as [event, detail]. */
function record(c: Conversation): [string, unknown][] {
  const seen: [string, unknown][] = [];
  c.on('messageAdded', (m) => seen.push(['messageAdded', m.text]));
  c.on('messageUpdated', (m) => seen.push(['messageUpdated', m.text]));
  c.on('messageRemoved', (m) => seen.push(['messageRemoved', m.id]));
  c.on('unreadChanged', (r) => seen.push(['unreadChanged', r.unreadCount]));
  c.on('outgoingChanged', (o) => seen.push(['outgoingChanged', o.map((m) => m.status)]));
  c.on('updated', () => seen.push(['updated', null]));
  return seen;
}

beforeAll(async () => {
  server = await startMessagingForTests({ label: 'sdk_conversation' });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

describe('a Conversation’s own events and snapshot', () => {
  it('announces messages from others, edits and removals, and the unread count that follows them', async () => {
    const { conv, benConv } = await pair();
    const seen = record(benConv);

    const first = await conv.sendMessage('hello ben');
    await conv.sendMessage('second');
    await eventually(() => benConv.unreadCount === 2, 'two unread');
    await conv.editMessage(first.id, 'hello, ben');
    await eventually(() => benConv.message(first.id)?.text === 'hello, ben', 'edit arrives');
    await conv.removeMessage(first.id);
    await eventually(() => benConv.unreadCount === 1, 'the removed one is not unread any more');
    await benConv.markAsRead();
    const benId = benConv.participants.find((p) => p.userId !== conv.createdBy)!.userId;
    await eventually(
      () => benConv.participants.find((p) => p.userId === benId)?.lastReadSeq === benConv.lastReadSeq,
      'the read event comes back',
    );

    expect(seen.filter(([name]) => name !== 'updated')).toEqual([
      ['messageAdded', 'hello ben'],
      ['unreadChanged', 1],
      ['messageAdded', 'second'],
      ['unreadChanged', 2],
      ['messageUpdated', 'hello, ben'],
      ['messageRemoved', first.id],
      ['unreadChanged', 1],
      ['unreadChanged', 0],
    ]);
    // One `updated` per change (four events, the local read mark, the read event), so a renderer reads the
    // snapshot once per change.
    expect(seen.filter(([name]) => name === 'updated').length).toBe(6);
    expect(seen.at(-1)).toEqual(['updated', null]);
  });

  it('keeps its snapshot while nothing changes, and shares the parts that did not change', async () => {
    const { conv, benConv } = await pair();
    const first = await conv.sendMessage('one');
    await eventually(() => benConv.messages().length === 1, 'first arrives');

    const before = benConv.snapshot();
    expect(benConv.snapshot()).toBe(before);
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(before.messages)).toBe(true);
    expect(Object.isFrozen(before.messages[0])).toBe(true);
    expect(Object.isFrozen(before.messages[0]!.parts[0])).toBe(true);
    expect(Object.isFrozen(before.participants[0])).toBe(true);
    expect(before).toMatchObject({
      id: conv.id,
      type: 'group',
      unreadCount: 1,
      lastMessage: { id: first.id, parts: [{ body: 'one' }] },
    });

    let updates = 0;
    benConv.on('updated', () => (updates += 1));
    await conv.sendMessage('two');
    await eventually(() => updates > 0, 'updated');
    const after = benConv.snapshot();
    expect(after).not.toBe(before);
    expect(after.messages.map((m) => m.parts[0]!.body)).toEqual(['one', 'two']);
    expect(after.messages[0]).toBe(before.messages[0]);
    expect(after.participants).toBe(before.participants);
    expect(before.messages).toHaveLength(1); // an old snapshot never changes under its holder
    expect(() => {
      (after.messages as unknown[]).push('x');
    }).toThrow();

    await conv.update({ title: 'Renamed' });
    await eventually(() => benConv.snapshot().title === 'Renamed', 'the title arrives in a new snapshot');
    expect(benConv.snapshot().messages).toBe(after.messages);
  });

  it('shows an outgoing message in the snapshot until the server stored it, then as a message', async () => {
    const { conv } = await pair();
    const seen = record(conv);
    const snapshots: ConversationSnapshot[] = [];
    conv.on('updated', () => snapshots.push(conv.snapshot()));

    const sending = conv.sendMessage('on its way');
    expect(conv.snapshot().outgoingMessages.map((m) => [m.parts[0]!.body, m.status])).toEqual([
      ['on its way', 'sending'],
    ]);
    expect(conv.snapshot().outgoingMessages).toBe(conv.outgoingMessages());
    const stored = await sending;
    await eventually(() => conv.snapshot().outgoingMessages.length === 0, 'outgoing cleared');

    expect(conv.snapshot().messages.map((m) => m.id)).toEqual([stored.id]);
    expect(seen.find(([name]) => name === 'messageAdded')).toEqual(['messageAdded', 'on its way']);
    expect(seen.filter(([name]) => name === 'outgoingChanged').map(([, s]) => s)).toEqual([
      ['pending'],
      ['sending'],
      [],
    ]);
    // Never both at once, never neither: the message moves from outgoing to the list in one step.
    for (const s of snapshots) expect(s.outgoingMessages.length + s.messages.length).toBe(1);
    // Own messages are never unread.
    expect(conv.snapshot().unreadCount).toBe(0);
  });

  it('is dropped when this user is removed, and the Messenger says the conversation was left', async () => {
    const { benS, ben, conv } = await pair();
    const left: string[] = [];
    ben.on('conversationLeft', ({ conversationId }) => left.push(conversationId));
    await conv.removeParticipant(benS.user.id);
    await eventually(() => left.length === 1, 'ben left');
    expect(left).toEqual([conv.id]);
    expect(ben.conversation(conv.id)).toBeUndefined();
    await eventually(() => conv.participants.length === 1, 'ann sees ben gone');
  });
});

describe('answers and frames that do not match the protocol', () => {
  it('ignores a bad frame, reports it as an error, and keeps syncing', async () => {
    const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
    // A socket that slips a malformed event frame in before the first real one.
    const bad = JSON.stringify({ type: 'event', event: { type: 'message.sent', seq: 'x' } });
    const tampered: WebSocketFactory = (url) => {
      const ws = nodeWebSocket(url);
      let injected = false;
      const socket: WebSocketLike = {
        get readyState() {
          return ws.readyState;
        },
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
        send: (data) => ws.send(data),
        close: (code, reason) => ws.close(code, reason),
      };
      ws.onopen = (ev) => socket.onopen?.(ev);
      ws.onclose = (ev) => socket.onclose?.(ev);
      ws.onerror = (ev) => socket.onerror?.(ev);
      ws.onmessage = (ev) => {
        if (!injected) socket.onmessage?.({ data: bad });
        injected = true;
        socket.onmessage?.(ev);
      };
      return socket;
    };
    const ann = await connect(annS);
    const ben = await connect(benS, tampered);
    const errors: Error[] = [];
    ben.on('error', (e) => errors.push(e));
    await Promise.all([ann.synced(), ben.synced()]);
    const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
    await conv.sendMessage('still arrives');
    await eventually(() => ben.conversation(conv.id)?.messages().length === 1, 'ben has the message');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ParleyApiError);
    expect(errors[0]).toMatchObject({ status: 502, code: 'bad_frame' });
  });

  it('gives the server’s code and issues on a refused request', async () => {
    const { conv } = await pair();
    const err = await conv.editMessage('6f1f7f0e-5b1a-4f7e-9c1a-000000000001', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    const refused = await conv.sendMessage('  ').catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((refused as ParleyApiError).issues.length).toBeGreaterThan(0);
  });
});
