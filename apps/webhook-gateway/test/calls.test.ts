// The calls REST API: who may start, see, join, leave and end a call, the built-in provider's in-app joins
// and leaves going through the same pipeline as webhooks, and the dead letters of events that cannot apply.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterList, ProviderCall, ProviderCallJoin, ProviderList } from '@parley/protocol';
import {
  ADMIN_CLIENT,
  eventually,
  GATEWAY_CLIENT,
  GatewayWorld,
  type User,
} from './support/gateway-world.js';

const world = new GatewayWorld('calls');
let alice: User;
let bob: User;
let eve: User;
let conversationId: string;

beforeAll(async () => {
  await world.startMessaging();
  await world.startProbe();
  await world.startGateway();
  [alice, bob, eve] = await Promise.all([world.signUp('alice'), world.signUp('bob'), world.signUp('eve')]);
  conversationId = await world.conversation(alice, [bob]);
});
afterAll(() => world.stop());

async function startCall(by: User = alice): Promise<ProviderCall> {
  const res = await world.api('POST', '/v1/calls', by.token, { conversationId, media: 'audio' });
  expect(res.status).toBe(201);
  return ProviderCall.parse(res.body);
}

async function callOnceIt(
  id: string,
  check: (call: ProviderCall) => boolean,
  what: string,
): Promise<ProviderCall> {
  return eventually(async () => {
    const call = ProviderCall.parse((await world.api('GET', `/v1/calls/${id}`, alice.token)).body);
    return check(call) ? call : null;
  }, what);
}

describe('authentication and access', () => {
  const someId = randomUUID();
  const routes: Array<[string, string, unknown?]> = [
    ['POST', '/v1/calls', { conversationId: randomUUID() }],
    ['GET', `/v1/calls/${someId}`],
    ['POST', `/v1/calls/${someId}/join`],
    ['POST', `/v1/calls/${someId}/leave`],
    ['POST', `/v1/calls/${someId}/end`],
    ['GET', '/v1/admin/dead-letters'],
    ['POST', '/v1/admin/dead-letters/some-job/replay'],
  ];

  it.each(routes)('%s %s without a token, or with a forged one, is 401', async (method, path, body) => {
    expect((await world.api(method, path, undefined, body)).status).toBe(401);
    const forged = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect((await world.api(method, path, forged, body)).status).toBe(401);
  });

  it('a machine client may not start calls (403), a user may not read dead letters (403)', async () => {
    const machine = await world.clientToken(ADMIN_CLIENT);
    expect((await world.api('POST', '/v1/calls', machine, { conversationId })).status).toBe(403);
    expect((await world.api('GET', '/v1/admin/dead-letters', alice.token)).status).toBe(403);
    const gateway = await world.clientToken(GATEWAY_CLIENT);
    expect((await world.api('GET', '/v1/admin/dead-letters', gateway)).status).toBe(403);
  });

  it('starting a call in a conversation one is not in, or that does not exist, is 404', async () => {
    expect((await world.api('POST', '/v1/calls', eve.token, { conversationId })).status).toBe(404);
    expect((await world.api('POST', '/v1/calls', alice.token, { conversationId: randomUUID() })).status).toBe(
      404,
    );
    expect(
      (await world.api('POST', '/v1/calls', alice.token, { conversationId, provider: 'twilio' })).status,
    ).toBe(404);
    expect(await world.count('calls')).toBe(0);
  });

  it('someone outside the conversation cannot see, join, leave or end its call (404, as for no call)', async () => {
    const call = await startCall();
    for (const path of [`/v1/calls/${call.id}`])
      expect((await world.api('GET', path, eve.token)).status).toBe(404);
    for (const action of ['join', 'leave', 'end'])
      expect((await world.api('POST', `/v1/calls/${call.id}/${action}`, eve.token)).status).toBe(404);
    expect((await world.api('GET', `/v1/calls/${randomUUID()}`, alice.token)).status).toBe(404);
  });

  it.each([
    ['no body', undefined],
    ['a conversation id that is not a UUID', { conversationId: 'general' }],
    ['an unknown field', { conversationId: randomUUID(), colour: 'blue' }],
    ['an unknown media', { conversationId: randomUUID(), media: 'hologram' }],
    ['a provider name that is not one', { conversationId: randomUUID(), provider: 'Not A Provider' }],
    ['malformed JSON', '{"conversationId": '],
  ])('POST /v1/calls with %s is 400', async (_what, body) => {
    const res = await world.api('POST', '/v1/calls', alice.token, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('lists the configured providers and the default to signed-in users only', async () => {
    expect((await world.api('GET', '/v1/providers', undefined)).status).toBe(401);
    const res = await world.api('GET', '/v1/providers', alice.token);
    expect(res.status).toBe(200);
    expect(ProviderList.parse(res.body)).toEqual({ providers: ['parley'], default: 'parley' });
  });

  it('a call id that is not a UUID is 400', async () => {
    expect((await world.api('GET', '/v1/calls/not-a-uuid', alice.token)).status).toBe(400);
    expect((await world.api('POST', '/v1/calls/not-a-uuid/join', alice.token)).status).toBe(400);
  });
});

describe('in-app calls on the built-in provider', () => {
  it('joins and leaves move the call: started with whoever is in, ended when the last one leaves', async () => {
    const call = await startCall();
    expect(call).toMatchObject({ status: 'created', media: 'audio', conversationId, createdBy: alice.id });

    const join = await world.api('POST', `/v1/calls/${call.id}/join`, alice.token);
    expect(join.status).toBe(200);
    const joined = ProviderCallJoin.parse(join.body);
    expect(joined.access).toMatchObject({ provider: 'parley', identity: alice.id });
    expect(joined.access.expires_at).toBeGreaterThan(Date.now() / 1000);
    await callOnceIt(
      call.id,
      (c) => c.status === 'started' && c.participants.join() === alice.id,
      'alice in',
    );

    expect((await world.api('POST', `/v1/calls/${call.id}/join`, bob.token)).status).toBe(200);
    await callOnceIt(call.id, (c) => c.participants.length === 2, 'bob in too');
    expect((await world.api('POST', `/v1/calls/${call.id}/leave`, alice.token)).status).toBe(200);
    await callOnceIt(call.id, (c) => c.participants.join() === bob.id, 'only bob left in');
    expect((await world.api('POST', `/v1/calls/${call.id}/leave`, bob.token)).status).toBe(200);
    const ended = await callOnceIt(call.id, (c) => c.status === 'ended', 'the call ended');
    expect(ended.participants).toEqual([]);
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(0);

    // Each join and leave was a stored provider event on the bus, like a webhook's.
    const facts = world
      .providerEvents()
      .filter((e) => e.payload.roomId === call.roomId)
      .map((e) => [e.payload.type, e.payload.identity]);
    expect(facts).toEqual([
      ['participant.joined', alice.id],
      ['participant.joined', bob.id],
      ['participant.left', alice.id],
      ['participant.left', bob.id],
    ]);
    await eventually(
      () => world.callUpdates(call.id).at(-1)?.payload.voipLink.status === 'ended',
      'ended on the bus',
    );
    expect(world.callUpdates(call.id).map((e) => e.payload.voipLink.participants)).toEqual([
      [],
      [alice.id],
      [alice.id, bob.id],
      [bob.id],
      [],
    ]);
  });

  it('ending a call ends it for everyone; ending it again changes nothing', async () => {
    const call = await startCall(bob);
    await world.api('POST', `/v1/calls/${call.id}/join`, bob.token);
    await callOnceIt(call.id, (c) => c.status === 'started', 'started');
    expect((await world.api('POST', `/v1/calls/${call.id}/end`, alice.token)).status).toBe(200);
    await callOnceIt(call.id, (c) => c.status === 'ended' && c.participants.length === 0, 'ended');
    const again = await world.api('POST', `/v1/calls/${call.id}/end`, alice.token);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('ended');
  });

  it('a call ended before anyone joined is missed', async () => {
    const call = await startCall();
    expect((await world.api('POST', `/v1/calls/${call.id}/end`, alice.token)).status).toBe(200);
    await callOnceIt(call.id, (c) => c.status === 'missed', 'missed');
  });
});

describe('dead letters', () => {
  it('an event that cannot apply is listed for admins and can be replayed', async () => {
    const jobId = `pe-test-${randomUUID()}`;
    await world.publishProviderEvent(jobId, {
      provider: 'retired-provider',
      eventId: 'evt-1',
      type: 'call.ended',
      roomId: 'room-1',
      occurredAt: new Date().toISOString(),
    });
    const admin = await world.clientToken(ADMIN_CLIENT);
    const listed = await eventually(async () => {
      const res = await world.api('GET', '/v1/admin/dead-letters', admin);
      expect(res.status).toBe(200);
      return DeadLetterList.parse(res.body).deadLetters.find((d) => d.jobId === jobId);
    }, 'the poison event in the dead letters');
    expect(listed).toMatchObject({
      topic: 'provider.event.v1',
      attemptsMade: 1,
      payload: { provider: 'retired-provider', roomId: 'room-1' },
    });
    expect(listed.failedReason).toMatch(/retired-provider/);

    const replay = await world.api('POST', `/v1/admin/dead-letters/${jobId}/replay`, admin);
    expect(replay.status).toBe(202);
    // Replayed, it runs again (and, the provider still missing, fails again, later than the first time).
    await eventually(async () => {
      const res = await world.api('GET', '/v1/admin/dead-letters', admin);
      const again = DeadLetterList.parse(res.body).deadLetters.find((d) => d.jobId === jobId);
      return again?.failedAt && listed.failedAt && again.failedAt > listed.failedAt;
    }, 'the replayed event handled again');

    expect((await world.api('POST', '/v1/admin/dead-letters/no-such-job/replay', admin)).status).toBe(404);
  });
});

describe('health and docs', () => {
  it('is ready with PostgreSQL, Redis and a messaging token', async () => {
    const res = await world.api('GET', '/health/ready');
    expect(res.status).toBe(200);
  });

  it('describes every route in its OpenAPI document', async () => {
    const res = await world.api('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/calls',
        '/v1/calls/{id}',
        '/v1/calls/{id}/join',
        '/v1/providers/{provider}/webhooks',
        '/v1/admin/dead-letters',
      ]),
    );
  });
});
