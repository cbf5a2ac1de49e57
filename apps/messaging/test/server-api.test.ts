import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@parley/protocol';
import { ClientCredentialsTokens, ParleyRequestError, ServerApiClient } from '@parley/server-sdk';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

const CRM = {
  id: 'crm',
  name: 'Acme CRM',
  secret: 'crm-secret-0123456789abcdef',
  scopes: ['server.conversations', 'server.messages', 'server.events.read'],
};
const READER = { id: 'auditor', secret: 'auditor-secret-0123456789ab', scopes: ['server.events.read'] };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let svc: MessagingUnderTest;
let crm: ServerApiClient;
let auditor: ServerApiClient;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

function serverApiAs(client: { id: string; secret: string }): ServerApiClient {
  const tokens = new ClientCredentialsTokens({
    messagingUrl: svc.url,
    clientId: client.id,
    clientSecret: client.secret,
  });
  return new ServerApiClient({ messagingUrl: svc.url, tokens });
}

async function refusal(promise: Promise<unknown>): Promise<ParleyRequestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParleyRequestError);
  return err as ParleyRequestError;
}

/** The whole log of a conversation through the server API, following the pages. */
async function wholeLog(conversationId: string): Promise<ConversationEvent[]> {
  const events: ConversationEvent[] = [];
  for (let from: number | null = 1; from !== null;) {
    const page = await crm.events(conversationId, from);
    events.push(...page.events);
    from = page.nextFromSeq;
  }
  return events;
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('server_api', { OAUTH_CLIENTS: JSON.stringify([CRM, READER]) });
  crm = serverApiAs(CRM);
  auditor = serverApiAs(READER);
  [alice, bob, carol] = await Promise.all([
    svc.api.newUser('alice'),
    svc.api.newUser('bob'),
    svc.api.newUser('carol'),
  ]);
});
afterAll(async () => svc?.stop());

describe('conversations created and managed by a machine client', () => {
  it('creates a group on behalf of users: the first is its owner, everyone sees it, the log names the client', async () => {
    const conversation = await crm.createConversation({
      type: 'group',
      participants: [alice.id, bob.id],
      title: 'Order 1042',
      customData: { orderId: 1042 },
    });
    expect(conversation).toMatchObject({ type: 'group', title: 'Order 1042', customData: { orderId: 1042 } });
    const owner = conversation.participants.find((p) => p.userId === alice.id);
    expect(owner?.permissions.owner).toBe(true);
    expect(conversation.participants.find((p) => p.userId === bob.id)?.permissions.owner).toBe(false);

    const bobsList = await svc.api.get('/v1/conversations', bob.token);
    expect(bobsList.body.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);

    const [created] = await wholeLog(conversation.id);
    expect(created).toMatchObject({
      seq: 1,
      type: 'conversation.created',
      actorId: alice.id,
      actingClientId: 'crm',
    });
    // The users' own route shows the same record.
    const asBob = await svc.api.get(`/v1/conversations/${conversation.id}/events?fromSeq=1`, bob.token);
    expect(asBob.body.events[0]).toMatchObject({ actingClientId: 'crm' });
  });

  it('re-creating a distinct direct conversation returns the existing one', async () => {
    const first = await crm.createConversation({
      type: 'direct',
      participants: [alice.id, carol.id],
      distinct: true,
    });
    const again = await crm.createConversation({
      type: 'direct',
      participants: [carol.id, alice.id],
      distinct: true,
    });
    expect(again.id).toBe(first.id);
    expect((await wholeLog(first.id)).length).toBe(1);
  });

  it('adds and removes participants and changes details, each an event of the client', async () => {
    const conversation = await crm.createConversation({ participants: [alice.id] });
    const added = await crm.addParticipants(conversation.id, {
      participants: [{ userId: bob.id }, { userId: carol.id }],
    });
    expect(added.participants.map((p) => p.userId).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    await crm.removeParticipant(conversation.id, carol.id);
    const updated = await crm.updateConversation(conversation.id, {
      title: 'Renamed',
      customData: { stage: 'won' },
    });
    expect(updated).toMatchObject({ title: 'Renamed', customData: { stage: 'won' } });
    expect(updated.participants.map((p) => p.userId).sort()).toEqual([alice.id, bob.id].sort());

    const log = await wholeLog(conversation.id);
    expect(log.map((e) => e.type)).toEqual([
      'conversation.created',
      'participants.added',
      'participants.removed',
      'conversation.updated',
    ]);
    expect(log.every((e) => e.actingClientId === 'crm')).toBe(true);
    // What the client does as no one in particular is done by the client's own user, shown as a bot.
    const clientUserId = log[1]!.actorId;
    expect(log[2]!.actorId).toBe(clientUserId);
    const clientUser = await svc.api.get(`/v1/users/${clientUserId}`, alice.token);
    expect(clientUser.body).toMatchObject({ displayName: 'Acme CRM', bot: true });
  });

  it('does not touch the participants of a direct conversation: 409', async () => {
    const direct = await crm.createConversation({ type: 'direct', participants: [bob.id, carol.id] });
    const err = await refusal(crm.addParticipants(direct.id, { participants: [{ userId: alice.id }] }));
    expect(err.status).toBe(409);
  });
});

describe('messages posted as a bot of the client', () => {
  it('posts as a named bot that joins once, is shown as a bot, and a retried post is not a duplicate', async () => {
    const conversation = await crm.createConversation({ participants: [alice.id, bob.id] });
    const bot = { id: 'support', name: 'Acme Support', avatarUrl: 'https://cdn.example.com/support.png' };
    const first = await crm.postMessage(conversation.id, {
      clientMessageId: 'ticket-1-greeting',
      parts: [{ mimeType: 'text/plain', body: 'Hello from support' }],
      bot,
    });
    const retried = await crm.postMessage(conversation.id, {
      clientMessageId: 'ticket-1-greeting',
      parts: [{ mimeType: 'text/plain', body: 'Hello from support' }],
      bot,
    });
    expect(retried.id).toBe(first.id);
    const second = await crm.postMessage(conversation.id, {
      clientMessageId: 'ticket-1-followup',
      parts: [{ mimeType: 'text/plain', body: 'Anything else?' }],
      bot: { id: 'support', name: 'Acme Support' },
    });
    expect(second.senderId).toBe(first.senderId);

    const sender = await svc.api.get(`/v1/users/${first.senderId}`, alice.token);
    expect(sender.body).toMatchObject({ id: first.senderId, displayName: 'Acme Support', bot: true });
    const history = await svc.api.get(`/v1/conversations/${conversation.id}/messages`, bob.token);
    expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual([first.id, second.id]);
    // Clients render the sender from the conversation's participants: the bot is marked as one there.
    const seen = await svc.api.get(`/v1/conversations/${conversation.id}`, bob.token);
    const participants = seen.body.participants as Array<{ userId: string; bot?: true }>;
    expect(participants.find((p) => p.userId === first.senderId)?.bot).toBe(true);
    expect(participants.find((p) => p.userId === bob.id)?.bot).toBeUndefined();

    const log = await wholeLog(conversation.id);
    expect(log.map((e) => [e.type, e.actorId, e.actingClientId])).toEqual([
      ['conversation.created', alice.id, 'crm'],
      ['participants.added', first.senderId, 'crm'],
      ['message.sent', first.senderId, 'crm'],
      ['message.sent', first.senderId, 'crm'],
    ]);
  });

  it('gives each bot id its own user, and no user can sign in as one', async () => {
    const conversation = await crm.createConversation({ participants: [alice.id] });
    const parts = [{ mimeType: 'text/plain', body: 'hi' }];
    const a = await crm.postMessage(conversation.id, {
      clientMessageId: 'a',
      parts,
      bot: { id: 'sales', name: 'Sales' },
    });
    const b = await crm.postMessage(conversation.id, {
      clientMessageId: 'b',
      parts,
      bot: { id: 'billing', name: 'Billing' },
    });
    expect(a.senderId).not.toBe(b.senderId);
    const bot = await svc.api.get(`/v1/users/${a.senderId}`, alice.token);
    const login = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'password',
      username: bot.body.username,
      password: '!bot',
    });
    expect(login.status).toBe(400);
    // Users' messages and users stay as they were: no bot flag, no acting client.
    const own = await svc.api.post(`/v1/conversations/${conversation.id}/messages`, alice.token, {
      clientMessageId: 'mine',
      parts,
    });
    expect(own.status).toBe(201);
    const me = await svc.api.get(`/v1/users/${alice.id}`, alice.token);
    expect(me.body.bot).toBeUndefined();
    const last = (await wholeLog(conversation.id)).at(-1)!;
    expect(last).toMatchObject({ type: 'message.sent', actorId: alice.id });
    expect(last.actingClientId).toBeUndefined();
  });

  it('refuses to post into a direct conversation (its two people are fixed): 409', async () => {
    const direct = await crm.createConversation({ type: 'direct', participants: [alice.id, bob.id] });
    const err = await refusal(
      crm.postMessage(direct.id, {
        clientMessageId: 'x',
        parts: [{ mimeType: 'text/plain', body: 'hi' }],
        bot: { id: 'support', name: 'Support' },
      }),
    );
    expect(err.status).toBe(409);
  });
});

describe('the event log for a client', () => {
  it('pages by seq like the user route', async () => {
    const conversation = await crm.createConversation({ participants: [alice.id] });
    for (const title of ['one', 'two', 'three']) await crm.updateConversation(conversation.id, { title });
    const page = await auditor.events(conversation.id, 2, 3);
    // The asked range fits one page, so there is no next page within it.
    expect(page).toMatchObject({ fromSeq: 2, toSeq: 3, lastSeq: 4, nextFromSeq: null });
    expect(page.events.map((e) => e.seq)).toEqual([2, 3]);
    const rest = await auditor.events(conversation.id, 4);
    expect(rest.events.map((e) => e.seq)).toEqual([4]);
    expect(rest.nextFromSeq).toBeNull();
  });
});

describe('refusals', () => {
  it('answers 401 without a token or with a bad one', async () => {
    expect(
      (await svc.api.post('/v1/server/conversations', undefined, { participants: [alice.id] })).status,
    ).toBe(401);
    expect(
      (await svc.api.post('/v1/server/conversations', 'not-a-token', { participants: [alice.id] })).status,
    ).toBe(401);
  });

  it('answers 403 to a client without the scope and to user tokens', async () => {
    expect((await refusal(auditor.createConversation({ participants: [alice.id] }))).status).toBe(403);
    const conversation = await crm.createConversation({ participants: [alice.id] });
    const post = auditor.postMessage(conversation.id, {
      clientMessageId: 'x',
      parts: [{ mimeType: 'text/plain', body: 'hi' }],
      bot: { id: 'b', name: 'B' },
    });
    expect((await refusal(post)).status).toBe(403);
    for (const [method, path] of [
      ['POST', '/v1/server/conversations'],
      ['PATCH', `/v1/server/conversations/${conversation.id}`],
      ['GET', `/v1/server/conversations/${conversation.id}/events?fromSeq=1`],
    ] as const) {
      const res = await svc.api.request(method, path, {
        token: alice.token,
        body: method === 'GET' ? undefined : {},
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it('answers 404 for an unknown conversation, user or participant', async () => {
    expect((await refusal(crm.events(UNKNOWN_ID, 1))).status).toBe(404);
    expect((await refusal(crm.updateConversation(UNKNOWN_ID, { title: 'x' }))).status).toBe(404);
    expect(
      (await refusal(crm.addParticipants(UNKNOWN_ID, { participants: [{ userId: bob.id }] }))).status,
    ).toBe(404);
    expect(
      (
        await refusal(
          crm.postMessage(UNKNOWN_ID, {
            clientMessageId: 'x',
            parts: [{ mimeType: 'text/plain', body: 'hi' }],
            bot: { id: 'b', name: 'B' },
          }),
        )
      ).status,
    ).toBe(404);
    expect((await refusal(crm.createConversation({ participants: [alice.id, UNKNOWN_ID] }))).status).toBe(
      404,
    );
    const conversation = await crm.createConversation({ participants: [alice.id] });
    expect(
      (await refusal(crm.addParticipants(conversation.id, { participants: [{ userId: UNKNOWN_ID }] })))
        .status,
    ).toBe(404);
    expect((await refusal(crm.removeParticipant(conversation.id, bob.id))).status).toBe(404);
  });

  it('answers 400 to bodies and queries off the schema', async () => {
    const token = await new ClientCredentialsTokens({
      messagingUrl: svc.url,
      clientId: CRM.id,
      clientSecret: CRM.secret,
    }).token();
    const conversation = await crm.createConversation({ participants: [alice.id] });
    const base = `/v1/server/conversations/${conversation.id}`;
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/v1/server/conversations', { participants: [] }],
      ['POST', '/v1/server/conversations', { participants: ['not-a-uuid'] }],
      ['POST', '/v1/server/conversations', { type: 'direct', participants: [alice.id] }],
      ['POST', '/v1/server/conversations', { participants: [alice.id], owner: alice.id }],
      ['PATCH', base, {}],
      ['POST', `${base}/participants`, { participants: [] }],
      ['POST', `${base}/messages`, { clientMessageId: 'x', parts: [{ mimeType: 'text/plain', body: 'hi' }] }],
      ['POST', `${base}/messages`, { clientMessageId: 'x', parts: [], bot: { id: 'b', name: 'B' } }],
      [
        'POST',
        `${base}/messages`,
        {
          clientMessageId: 'x',
          parts: [{ mimeType: 'text/plain', body: 'hi' }],
          bot: { id: 'has space', name: 'B' },
        },
      ],
      [
        'POST',
        `${base}/messages`,
        {
          clientMessageId: 'x',
          parts: [{ mimeType: 'text/plain', body: 'hi' }],
          bot: { id: 'b', name: 'B', avatarUrl: 'javascript:alert(1)' },
        },
      ],
      ['GET', `${base}/events?fromSeq=0`, undefined],
      ['GET', `${base}/events?fromSeq=3&toSeq=2`, undefined],
      ['GET', '/v1/server/conversations/not-a-uuid/events?fromSeq=1', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await svc.api.request(method, path, { token, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    }
  });
});
