import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics } from '@parley/event-bus';
import { eventually, testRedisUrl } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

let svc: MessagingUnderTest;
let bus: EventBus;
let ann: TestUser, ben: TestUser, cat: TestUser, eve: TestUser;
const onBus: { topic: string; conversationId: string }[] = [];

const text = (body: string, extra: Record<string, unknown> = {}) => ({
  clientMessageId: `r-${Math.random().toString(36).slice(2)}`,
  parts: [{ mimeType: 'text/plain', body }],
  ...extra,
});

async function group(owner: TestUser, ...others: TestUser[]): Promise<string> {
  const res = await svc.api.post('/v1/conversations', owner.token, {
    type: 'group',
    participants: others.map((o) => o.id),
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function send(conversationId: string, user: TestUser, body: string, extra = {}) {
  return svc.api.post(`/v1/conversations/${conversationId}/messages`, user.token, text(body, extra));
}

const reactionPath = (conversationId: string, messageId: string, emoji: string) =>
  `/v1/conversations/${conversationId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;
const react = (c: string, m: string, emoji: string, user: TestUser) =>
  svc.api.request('PUT', reactionPath(c, m, emoji), { token: user.token });
const unreact = (c: string, m: string, emoji: string, user: TestUser) =>
  svc.api.delete(reactionPath(c, m, emoji), user.token);

async function eventsOf(conversationId: string, user: TestUser) {
  const res = await svc.api.get(`/v1/conversations/${conversationId}/events?fromSeq=1`, user.token);
  return res.body.events as { type: string; seq: number; payload: Record<string, unknown> }[];
}

async function history(conversationId: string, user: TestUser) {
  const res = await svc.api.get(`/v1/conversations/${conversationId}/messages`, user.token);
  expect(res.status).toBe(200);
  return res.body.messages as Record<string, any>[];
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('reactions');
  bus = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
  await bus.subscribe('reactions-test', {
    [Topics.reactionAdded]: async (e) =>
      void onBus.push({ topic: e.topic, conversationId: e.payload.conversationId }),
    [Topics.reactionRemoved]: async (e) =>
      void onBus.push({ topic: e.topic, conversationId: e.payload.conversationId }),
  });
  [ann, ben, cat, eve] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
    svc.api.newUser('eve'),
  ]);
});
afterAll(async () => {
  await bus?.close();
  await svc?.stop();
});

describe('replies', () => {
  it('a reply carries the id of the message it quotes and a preview of it, live and in history', async () => {
    const id = await group(ann, ben);
    const original = await send(id, ann, 'Lunch at **noon**?\nor later');
    const benDevice = await TestDevice.connect(svc.url, ben.token);
    try {
      const reply = await send(id, ben, 'noon works', { replyTo: original.body.id });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        replyTo: original.body.id,
        replyPreview: { senderId: ann.id, excerpt: 'Lunch at **noon**? or later', removed: false },
        reactions: [],
      });
      const live = await benDevice.waitForEvent((e) => e.type === 'message.sent' && e.seq === reply.body.seq);
      expect(live.type === 'message.sent' && live.payload.message.replyTo).toBe(original.body.id);
      const listed = (await history(id, ann)).find((m) => m.id === reply.body.id);
      expect(listed).toMatchObject({ replyTo: original.body.id, replyPreview: { senderId: ann.id } });
    } finally {
      benDevice.socket.close();
    }
  });

  it('a retried reply returns the first result', async () => {
    const id = await group(ann, ben);
    const original = await send(id, ann, 'q');
    const body = text('a', { replyTo: original.body.id });
    const first = await svc.api.post(`/v1/conversations/${id}/messages`, ben.token, body);
    const again = await svc.api.post(`/v1/conversations/${id}/messages`, ben.token, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.replyTo).toBe(original.body.id);
  });

  it('the quote follows an edit of the original, and shows no text once the original is removed', async () => {
    const id = await group(ann, ben);
    const original = await send(id, ann, 'first words');
    const reply = await send(id, ben, 'answer', { replyTo: original.body.id });
    await svc.api.patch(`/v1/conversations/${id}/messages/${original.body.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: 'better words' }],
    });
    let listed = (await history(id, ben)).find((m) => m.id === reply.body.id);
    expect(listed?.replyPreview).toEqual({ senderId: ann.id, excerpt: 'better words', removed: false });
    await svc.api.delete(`/v1/conversations/${id}/messages/${original.body.id}`, ann.token);
    listed = (await history(id, ben)).find((m) => m.id === reply.body.id);
    expect(listed?.replyPreview).toEqual({ senderId: ann.id, excerpt: '', removed: true });
  });

  it('refuses a reply to a message of another conversation or one that does not exist (404)', async () => {
    const id = await group(ann, ben);
    const elsewhere = await group(ann, cat);
    const foreign = await send(elsewhere, ann, 'secret');
    const other = await send(id, ben, 'x', { replyTo: foreign.body.id });
    expect(other.status).toBe(404);
    expect(other.body.message).not.toContain('secret');
    const missing = await send(id, ben, 'x', { replyTo: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(404);
    expect((await eventsOf(id, ann)).filter((e) => e.type === 'message.sent')).toHaveLength(0);
  });

  it('refuses a reply to a removed message (400) and a replyTo that is not a uuid (400)', async () => {
    const id = await group(ann, ben);
    const original = await send(id, ann, 'gone soon');
    await svc.api.delete(`/v1/conversations/${id}/messages/${original.body.id}`, ann.token);
    const removed = await send(id, ben, 'x', { replyTo: original.body.id });
    expect(removed.status).toBe(400);
    expect(removed.body.issues).toEqual([{ path: 'body.replyTo', message: 'the message was removed' }]);
    const bad = await send(id, ben, 'x', { replyTo: 'not-a-uuid' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('body.replyTo');
  });
});

describe('mentions', () => {
  it('a message keeps the participants it mentions, each once', async () => {
    const id = await group(ann, ben, cat);
    const res = await send(id, ann, '@ben @cat @ben look', { mentions: [ben.id, cat.id, ben.id] });
    expect(res.status).toBe(201);
    expect(res.body.mentions).toEqual([ben.id, cat.id]);
    expect((await history(id, cat))[0]!.mentions).toEqual([ben.id, cat.id]);
  });

  it('refuses to mention someone outside the conversation, naming the entry', async () => {
    const id = await group(ann, ben);
    const res = await send(id, ann, 'hi @eve', { mentions: [ben.id, eve.id] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { path: 'body.mentions.1', message: 'not a participant of this conversation' },
    ]);
    const bad = await send(id, ann, 'x', { mentions: ['ben'] });
    expect(bad.status).toBe(400);
    const tooMany = await send(id, ann, 'x', { mentions: Array.from({ length: 51 }, () => ben.id) });
    expect(tooMany.status).toBe(400);
    expect((await eventsOf(id, ann)).filter((e) => e.type === 'message.sent')).toHaveLength(0);
  });
});

describe('reactions', () => {
  it('adds and removes reactions as events in the log, counted per user and emoji', async () => {
    const id = await group(ann, ben, cat);
    const m = await send(id, ann, 'vote');
    expect((await react(id, m.body.id, '👍', ben)).body).toEqual({
      messageId: m.body.id,
      reactions: [{ emoji: '👍', userIds: [ben.id] }],
    });
    await react(id, m.body.id, '👍', cat);
    const res = await react(id, m.body.id, '🎉', ben);
    expect(res.status).toBe(200);
    expect(res.body.reactions).toEqual([
      { emoji: '👍', userIds: [ben.id, cat.id] },
      { emoji: '🎉', userIds: [ben.id] },
    ]);
    const removed = await unreact(id, m.body.id, '👍', ben);
    expect(removed.body.reactions).toEqual([
      { emoji: '👍', userIds: [cat.id] },
      { emoji: '🎉', userIds: [ben.id] },
    ]);
    const log = (await eventsOf(id, ann)).filter((e) => e.type.startsWith('reaction.'));
    expect(log.map((e) => [e.type, e.payload.emoji, e.payload.userId])).toEqual([
      ['reaction.added', '👍', ben.id],
      ['reaction.added', '👍', cat.id],
      ['reaction.added', '🎉', ben.id],
      ['reaction.removed', '👍', ben.id],
    ]);
    expect(log[0]!.payload).toMatchObject({ messageId: m.body.id, messageSeq: m.body.seq });
    expect((await history(id, ann))[0]!.reactions).toEqual(removed.body.reactions);
    const me = await svc.api.get('/v1/me', ann.token);
    const summary = me.body.conversations.find((c: { id: string }) => c.id === id);
    expect(summary.lastMessage.reactions).toEqual(removed.body.reactions);
  });

  it('adding twice or removing what is not there changes nothing and appends no event', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'once');
    await react(id, m.body.id, '👍', ben);
    const before = (await svc.api.get(`/v1/conversations/${id}`, ben.token)).body.lastSeq;
    const again = await react(id, m.body.id, '👍', ben);
    expect(again.body.reactions).toEqual([{ emoji: '👍', userIds: [ben.id] }]);
    const absent = await unreact(id, m.body.id, '🎉', ben);
    expect(absent.status).toBe(200);
    expect((await svc.api.get(`/v1/conversations/${id}`, ben.token)).body.lastSeq).toBe(before);
  });

  it('racing adds of the same reaction store one', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'race');
    await Promise.all(Array.from({ length: 8 }, () => react(id, m.body.id, '🔥', ben)));
    const log = (await eventsOf(id, ann)).filter((e) => e.type === 'reaction.added');
    expect(log).toHaveLength(1);
  });

  it('a bare pictograph is the same reaction as its emoji form', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'love');
    await react(id, m.body.id, '\u2764', ben);
    const res = await react(id, m.body.id, '\u2764\uFE0F', ben);
    expect(res.body.reactions).toEqual([{ emoji: '\u2764\uFE0F', userIds: [ben.id] }]);
  });

  it('takes one emoji grapheme, ZWJ sequences and flags included', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'emoji');
    for (const emoji of ['👨‍👩‍👧‍👦', '🇳🇴', '👍🏽', '1️⃣']) {
      const res = await react(id, m.body.id, emoji, ben);
      expect(res.status, emoji).toBe(200);
    }
  });

  it('refuses what is not exactly one emoji (400)', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'bad');
    for (const emoji of [
      'a',
      '👍👍',
      '<img src=x onerror=alert(1)>',
      ':+1:',
      '1',
      '👍 ',
      '\u200d',
      'x'.repeat(40),
    ]) {
      const res = await react(id, m.body.id, emoji, ben);
      expect(res.status, JSON.stringify(emoji)).toBe(400);
      expect(res.body.issues[0].path).toBe('params.emoji');
    }
    expect((await eventsOf(id, ann)).filter((e) => e.type.startsWith('reaction.'))).toHaveLength(0);
  });

  it('404 for a message of another conversation, a missing message, or a conversation I am not in', async () => {
    const id = await group(ann, ben);
    const elsewhere = await group(ann, cat);
    const foreign = await send(elsewhere, ann, 'not here');
    expect((await react(id, foreign.body.id, '👍', ben)).status).toBe(404);
    expect((await react(id, '00000000-0000-4000-8000-000000000000', '👍', ben)).status).toBe(404);
    const m = await send(id, ann, 'private');
    expect((await react(id, m.body.id, '👍', eve)).status).toBe(404);
    expect((await react(id, 'nope', '👍', ben)).status).toBe(400);
    expect((await svc.api.request('PUT', reactionPath(id, m.body.id, '👍'))).status).toBe(401);
  });

  it('a removed message takes no reactions (409) and shows none', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'soon gone');
    await react(id, m.body.id, '👍', ben);
    await svc.api.delete(`/v1/conversations/${id}/messages/${m.body.id}`, ann.token);
    expect((await react(id, m.body.id, '🎉', ben)).status).toBe(409);
    expect((await unreact(id, m.body.id, '👍', ben)).status).toBe(409);
    expect((await history(id, ann))[0]!.reactions).toEqual([]);
  });

  it('reaches every participant device live and the bus as reaction.added.v1 / reaction.removed.v1', async () => {
    const id = await group(ann, ben);
    const m = await send(id, ann, 'live');
    const annDevice = await TestDevice.connect(svc.url, ann.token);
    try {
      await react(id, m.body.id, '🙌', ben);
      await unreact(id, m.body.id, '🙌', ben);
      const added = await annDevice.waitForEvent((e) => e.type === 'reaction.added');
      expect(added.payload).toMatchObject({ messageId: m.body.id, emoji: '🙌', userId: ben.id });
      await annDevice.waitForEvent((e) => e.type === 'reaction.removed');
      await eventually(
        () => onBus.filter((e) => e.conversationId === id).length >= 2,
        'both reaction events on the bus',
      );
      expect(onBus.filter((e) => e.conversationId === id).map((e) => e.topic)).toEqual([
        Topics.reactionAdded,
        Topics.reactionRemoved,
      ]);
    } finally {
      annDevice.socket.close();
    }
  });
});
