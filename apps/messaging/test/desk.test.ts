// The support desk: visitors' conversations queued on their first message and passed between operators.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OperatorRoster } from '@parley/desk';
import {
  DESK_MESSAGE_MIME_TYPE,
  DeskConversation,
  DeskConversationResponse,
  DeskMessageBody,
  DeskQueue,
  GuestSession,
  SiteResponse,
} from '@parley/protocol';
import { connectMessagingDevice, eventually, testRedisUrl, type MessagingDevice } from '@parley/testing';
import { Redis } from 'ioredis';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

const ADMIN = { id: 'desk-admin', secret: 'desk-admin-secret-0123456789', scopes: ['admin'] };
const ORIGIN = 'https://shop.example';
// Long enough for the tests that accept at once, short enough for the one that waits it out.
const ACCEPT_TIMEOUT_MS = 4000;

let svc: MessagingUnderTest;
let redis: Redis;
let roster: OperatorRoster;
let clock = 1_000_000;
let siteKey: string;
let bob: TestUser;
let carol: TestUser;
let dan: TestUser;

/** Only `available` are available, in this order of idle-since, with no open chats. */
async function onDuty(...available: TestUser[]): Promise<void> {
  for (const op of [bob, carol]) await roster.setUnavailable(op.id);
  await redis.del(...[bob, carol].map((op) => `${svc.ns.redisPrefix}:desk:op:${op.id}`));
  for (const op of available) {
    clock += 1000;
    await roster.setAvailable(op.id, op.username);
  }
}

async function newVisitor(): Promise<{ session: GuestSession; conversationId: string }> {
  const res = await fetch(`${svc.url}/v1/guests/widget`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ siteKey }),
  });
  const session = GuestSession.parse(await res.json());
  const desk = await svc.api.post('/v1/desk/conversation', session.tokens.access_token);
  expect(desk.status).toBe(200);
  return { session, conversationId: DeskConversationResponse.parse(desk.body).conversation.id };
}

async function say(token: string, conversationId: string, text: string): Promise<void> {
  const res = await svc.api.post(`/v1/conversations/${conversationId}/messages`, token, {
    clientMessageId: `m-${Math.random()}`,
    parts: [{ mimeType: 'text/plain', body: text }],
  });
  expect(res.status).toBe(201);
}

async function deskState(conversationId: string, operator: TestUser): Promise<DeskConversation | undefined> {
  const res = await svc.api.get('/v1/desk/queue', operator.token);
  const queue = DeskQueue.parse(res.body);
  return [...queue.waiting, ...queue.mine].find((c) => c.conversationId === conversationId);
}

async function assignedTo(conversationId: string, operator: TestUser): Promise<DeskConversation | undefined> {
  const c = await deskState(conversationId, operator);
  return c?.operatorId === operator.id && c.state === 'assigned' ? c : undefined;
}

/** The desk messages of the conversation, as its visitor sees them. */
async function deskMessages(conversationId: string, token: string): Promise<DeskMessageBody[]> {
  const res = await svc.api.get(`/v1/conversations/${conversationId}/events?fromSeq=1`, token);
  expect(res.status).toBe(200);
  return (
    res.body.events as {
      type: string;
      payload: { message?: { parts: { mimeType: string; body: string }[] } };
    }[]
  )
    .flatMap((e) => (e.type === 'message.sent' ? (e.payload.message?.parts ?? []) : []))
    .filter((p) => p.mimeType === DESK_MESSAGE_MIME_TYPE)
    .map((p) => DeskMessageBody.parse(JSON.parse(p.body)));
}

/** The desk's messages once they are all there (the assignment is recorded just before they are posted). */
async function deskMessagesSoon(conversationId: string, token: string, expected: DeskMessageBody[]) {
  await eventually(async () => {
    expect(await deskMessages(conversationId, token)).toEqual(expected);
    return true;
  }, 'the desk messages');
}

async function participantsSoon(conversationId: string, token: string, expected: string[]) {
  await eventually(async () => {
    expect(await participantIds(conversationId, token)).toEqual([...expected].sort());
    return true;
  }, 'the participants');
}

async function accept(operator: TestUser, conversationId: string): Promise<void> {
  const res = await svc.api.post(`/v1/desk/conversations/${conversationId}/accept`, operator.token);
  expect(res.status).toBe(200);
}

async function participantIds(conversationId: string, token: string): Promise<string[]> {
  const res = await svc.api.get(`/v1/conversations/${conversationId}`, token);
  return (res.body.participants as { userId: string }[]).map((p) => p.userId).sort();
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('desk', {
    OAUTH_CLIENTS: JSON.stringify([ADMIN]),
    SUPPORT_OPERATORS: 'deskbob,deskcarol',
    DESK_ACCEPT_TIMEOUT_MS: String(ACCEPT_TIMEOUT_MS),
    DESK_SWEEP_INTERVAL_MS: '100',
  });
  redis = new Redis(testRedisUrl);
  roster = new OperatorRoster(redis, svc.ns.redisPrefix, () => clock);
  const token = await svc.api.post('/oauth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: ADMIN.id,
    client_secret: ADMIN.secret,
  });
  const site = await svc.api.post('/v1/admin/sites', token.body.access_token, {
    name: 'Shop',
    allowedOrigins: [ORIGIN],
  });
  siteKey = SiteResponse.parse(site.body).site.siteKey;
  bob = await svc.api.signUp('deskbob', { displayName: 'Bob' });
  carol = await svc.api.signUp('deskcarol', { displayName: 'Carol' });
  dan = await svc.api.newUser('dan');
});
afterAll(async () => {
  redis?.disconnect();
  await svc?.stop();
});
beforeEach(async () => onDuty());
// Each test's chats are closed, so no accept timeout of one reassigns into the next.
afterEach(async () => {
  for (const op of [bob, carol]) {
    const res = await svc.api.get('/v1/desk/queue', op.token);
    for (const c of DeskQueue.parse(res.body).mine)
      expect((await svc.api.post(`/v1/desk/conversations/${c.conversationId}/close`, op.token)).status).toBe(
        200,
      );
  }
});

describe("a visitor's desk conversation", () => {
  it('is made once: a group with only the guest, titled Support, naming the site', async () => {
    const { session, conversationId } = await newVisitor();
    const again = await svc.api.post('/v1/desk/conversation', session.tokens.access_token);
    const conversation = DeskConversationResponse.parse(again.body).conversation;
    expect(conversation.id).toBe(conversationId);
    expect(conversation.title).toBe('Support');
    expect(Object.keys(conversation.customData ?? {})).toEqual(['parley.desk']);
    expect(conversation.participants.map((p) => p.userId)).toEqual([session.guest.id]);
  });

  it('is for guests only', async () => {
    expect((await svc.api.post('/v1/desk/conversation', dan.token)).status).toBe(403);
    expect((await svc.api.post('/v1/desk/conversation', undefined)).status).toBe(401);
  });
});

describe('assignment', () => {
  it("gives the visitor's first message to the longest idle operator, then the least busy; the operator's device follows", async () => {
    await onDuty(carol, bob);
    const device: MessagingDevice = await connectMessagingDevice(svc.url, bob.token);
    try {
      const first = await newVisitor();
      await say(first.session.tokens.access_token, first.conversationId, 'hello?');
      await eventually(() => assignedTo(first.conversationId, carol), 'the first visitor assigned to carol');
      // Accepted at once, so a slow machine cannot let the accept time run out and pass it on mid-test.
      await accept(carol, first.conversationId);
      await participantsSoon(first.conversationId, carol.token, [first.session.guest.id, carol.id]);
      await deskMessagesSoon(first.conversationId, first.session.tokens.access_token, [
        { event: 'assigned', operatorName: 'Carol' },
      ]);

      // Carol has one open chat now, so bob (less busy, though idle for less long) gets the next one.
      const second = await newVisitor();
      await say(second.session.tokens.access_token, second.conversationId, 'anyone?');
      await eventually(() => assignedTo(second.conversationId, bob), 'the second visitor assigned to bob');
      await accept(bob, second.conversationId);
      await say(second.session.tokens.access_token, second.conversationId, 'my order is late');
      await eventually(
        () =>
          device.rawFrames.some((f) => f.includes(second.conversationId) && f.includes('my order is late')),
        "bob's device receiving the visitor's message",
      );
      expect(device.rawFrames.some((f) => f.includes(first.conversationId))).toBe(false);
      // Later messages of the visitor do not assign it again.
      await deskMessagesSoon(second.conversationId, bob.token, [{ event: 'assigned', operatorName: 'Bob' }]);
    } finally {
      device.close();
    }
  });

  it('lets the assigned operator accept, and nobody else', async () => {
    await onDuty(bob);
    const { session, conversationId } = await newVisitor();
    await say(session.tokens.access_token, conversationId, 'hi');
    await eventually(() => assignedTo(conversationId, bob), 'assigned to bob');
    const path = `/v1/desk/conversations/${conversationId}/accept`;
    expect((await svc.api.post(path, carol.token)).status).toBe(409);
    expect((await svc.api.post(path, session.tokens.access_token)).status).toBe(403);
    expect((await svc.api.post(path, dan.token)).status).toBe(403);
    expect((await svc.api.post(path, undefined)).status).toBe(401);
    expect((await svc.api.post('/v1/desk/conversations/nope/accept', bob.token)).status).toBe(400);
    expect(
      (await svc.api.post('/v1/desk/conversations/00000000-0000-4000-8000-000000000000/accept', bob.token))
        .status,
    ).toBe(404);
    const accepted = await svc.api.post(path, bob.token);
    expect(accepted.status).toBe(200);
    expect(DeskConversation.parse(accepted.body)).toMatchObject({ state: 'accepted', operatorId: bob.id });
    const queue = DeskQueue.parse((await svc.api.get('/v1/desk/queue', bob.token)).body);
    expect(queue.mine.map((c) => c.conversationId)).toContain(conversationId);
    expect((await svc.api.get('/v1/desk/queue', dan.token)).status).toBe(403);
    expect((await svc.api.get('/v1/desk/queue', session.tokens.access_token)).status).toBe(403);
  });

  it('passes an unaccepted conversation to the next operator when the accept time is up', async () => {
    await onDuty(bob, carol);
    const { session, conversationId } = await newVisitor();
    await say(session.tokens.access_token, conversationId, 'hello');
    await eventually(() => assignedTo(conversationId, bob), 'assigned to bob');
    await eventually(() => assignedTo(conversationId, carol), 'passed to carol after the timeout', 15_000);
    await participantsSoon(conversationId, carol.token, [session.guest.id, carol.id]);
    await deskMessagesSoon(conversationId, session.tokens.access_token, [
      { event: 'assigned', operatorName: 'Bob' },
      { event: 'transferred', operatorName: 'Carol' },
    ]);
    expect((await svc.api.post(`/v1/desk/conversations/${conversationId}/accept`, carol.token)).status).toBe(
      200,
    );
  });

  it('reassigns when the operator leaves the conversation', async () => {
    await onDuty(bob, carol);
    const { session, conversationId } = await newVisitor();
    await say(session.tokens.access_token, conversationId, 'hello');
    await eventually(() => assignedTo(conversationId, bob), 'assigned to bob');
    await deskMessagesSoon(conversationId, bob.token, [{ event: 'assigned', operatorName: 'Bob' }]);
    expect((await svc.api.post(`/v1/desk/conversations/${conversationId}/accept`, bob.token)).status).toBe(
      200,
    );
    expect((await svc.api.post(`/v1/conversations/${conversationId}/leave`, bob.token)).status).toBeLessThan(
      300,
    );
    await eventually(() => assignedTo(conversationId, carol), 'reassigned to carol');
    await deskMessagesSoon(conversationId, session.tokens.access_token, [
      { event: 'assigned', operatorName: 'Bob' },
      { event: 'transferred', operatorName: 'Carol' },
    ]);
  });

  it('transfers on request to a named operator, refusing anyone else', async () => {
    await onDuty(bob, carol);
    const { session, conversationId } = await newVisitor();
    await say(session.tokens.access_token, conversationId, 'hello');
    await eventually(() => assignedTo(conversationId, bob), 'assigned to bob');
    await deskMessagesSoon(conversationId, bob.token, [{ event: 'assigned', operatorName: 'Bob' }]);
    const path = `/v1/desk/conversations/${conversationId}/transfer`;
    expect((await svc.api.post(path, bob.token, { toOperatorId: dan.id })).status).toBe(409);
    expect((await svc.api.post(path, bob.token, { toOperatorId: 'nope' })).status).toBe(400);
    expect((await svc.api.post(path, carol.token, {})).status).toBe(409);
    const moved = await svc.api.post(path, bob.token, { toOperatorId: carol.id });
    expect(moved.status).toBe(200);
    expect(DeskConversation.parse(moved.body)).toMatchObject({ operatorId: carol.id, state: 'assigned' });
    await participantsSoon(conversationId, carol.token, [session.guest.id, carol.id]);
  });

  it('keeps the conversation waiting while nobody is available, then gives it to the first operator on duty', async () => {
    const { session, conversationId } = await newVisitor();
    await say(session.tokens.access_token, conversationId, 'is anyone there?');
    await eventually(
      async () => (await deskState(conversationId, bob))?.state === 'waiting',
      'the conversation waiting in the queue',
    );
    await participantsSoon(conversationId, session.tokens.access_token, [session.guest.id]);
    await onDuty(carol);
    await eventually(() => assignedTo(conversationId, carol), 'assigned once carol is available');
    await deskMessagesSoon(conversationId, session.tokens.access_token, [
      { event: 'assigned', operatorName: 'Carol' },
    ]);
  });
});

describe('closing', () => {
  it("lets the operator close the chat: the visitor reads it, the operator leaves and is free; the visitor's next message queues it again", async () => {
    await onDuty(bob);
    const { session, conversationId } = await newVisitor();
    const visitor = session.tokens.access_token;
    await say(visitor, conversationId, 'hello');
    await eventually(() => assignedTo(conversationId, bob), 'assigned to bob');
    const path = `/v1/desk/conversations/${conversationId}/close`;
    expect((await svc.api.post(path, carol.token)).status).toBe(409);
    expect((await svc.api.post(path, dan.token)).status).toBe(403);
    expect((await svc.api.post('/v1/desk/conversations/not-a-uuid/close', bob.token)).status).toBe(400);
    const closed = await svc.api.post(path, bob.token);
    expect(closed.status).toBe(200);
    expect(DeskConversation.parse(closed.body)).toMatchObject({ state: 'closed', operatorId: null });
    expect((await svc.api.post(path, bob.token)).status).toBe(409);
    await deskMessagesSoon(conversationId, visitor, [
      { event: 'assigned', operatorName: 'Bob' },
      { event: 'closed', operatorName: 'Bob' },
    ]);
    await participantsSoon(conversationId, visitor, [session.guest.id]);
    expect(DeskQueue.parse((await svc.api.get('/v1/desk/queue', bob.token)).body).mine).toEqual([]);
    expect(await roster.openChats(bob.id)).toBe(0);

    await onDuty(carol);
    await say(visitor, conversationId, 'one more question');
    await eventually(() => assignedTo(conversationId, carol), 'queued again and assigned to carol');
    await deskMessagesSoon(conversationId, visitor, [
      { event: 'assigned', operatorName: 'Bob' },
      { event: 'closed', operatorName: 'Bob' },
      { event: 'assigned', operatorName: 'Carol' },
    ]);
  });
});
