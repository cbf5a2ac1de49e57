// Provider webhooks: every kind of bad webhook is refused before it touches the database or the bus; a good
// one is stored once, queued once, applied to its call, and shows in the conversation's voip-link message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCall, ProviderWebhookReceipt } from '@parley/protocol';
import { eventually, GatewayWorld, type User } from './support/gateway-world.js';

const world = new GatewayWorld('webhooks');
let alice: User;

beforeAll(async () => {
  await world.startMessaging();
  await world.startProbe();
  await world.startGateway({ WEBHOOK_BODY_LIMIT_BYTES: '4096' });
  alice = await world.signUp('alice');
});
afterAll(() => world.stop());

const joined = (roomId = 'parley-unknown-room') => ({
  type: 'participant.joined',
  roomId,
  identity: 'someone',
  occurredAt: new Date().toISOString(),
});

async function expectNothingStoredOrQueued(): Promise<void> {
  expect(await world.count('provider_events')).toBe(0);
  expect(await world.count('outbox')).toBe(0);
  expect(world.providerEvents()).toEqual([]);
}

describe('refused webhooks touch neither the database nor the bus', () => {
  it('a bad signature is 401 invalid_signature', async () => {
    const webhook = world.signedWebhook(joined());
    webhook.headers['webhook-signature'] = 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const res = await world.postWebhook('parley', webhook);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_signature');
    const otherKey = world.signedWebhook(joined(), {
      secret: `whsec_${Buffer.from('not the configured secret at all').toString('base64')}`,
    });
    expect((await world.postWebhook('parley', otherKey)).status).toBe(401);
    const unsigned = world.signedWebhook(joined());
    delete unsigned.headers['webhook-signature'];
    expect((await world.postWebhook('parley', unsigned)).status).toBe(401);
    await expectNothingStoredOrQueued();
  });

  it('a body changed after signing is 401', async () => {
    const webhook = world.signedWebhook(joined());
    const res = await world.postWebhook('parley', {
      ...webhook,
      body: webhook.body.replace('someone', 'mallory'),
    });
    expect(res.status).toBe(401);
    await expectNothingStoredOrQueued();
  });

  it('a timestamp outside the replay window is 401 stale_webhook, even correctly signed', async () => {
    const old = world.signedWebhook(joined(), { at: new Date(Date.now() - 301_000) });
    const res = await world.postWebhook('parley', old);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('stale_webhook');
    const future = world.signedWebhook(joined(), { at: new Date(Date.now() + 301_000) });
    expect((await world.postWebhook('parley', future)).status).toBe(401);
    await expectNothingStoredOrQueued();
  });

  it('an unknown or unconfigured provider is 404', async () => {
    for (const provider of ['nowhere', 'twilio', 'livekit']) {
      const res = await world.postWebhook(provider, world.signedWebhook(joined()));
      expect(res.status).toBe(404);
    }
    await expectNothingStoredOrQueued();
  });

  it.each([
    ['malformed JSON', '{"type": "participant.joined", "roomId": '],
    ['a missing roomId', { type: 'call.ended', occurredAt: new Date().toISOString() }],
    ['an unknown event type', { ...joined(), type: 'room.exploded' }],
    [
      'a participant event without identity',
      { type: 'participant.left', roomId: 'r', occurredAt: new Date().toISOString() },
    ],
    ['an extra field', { ...joined(), secretField: true }],
    ['a JSON array', [joined()]],
  ])('a signed body with %s is 400 malformed_webhook', async (_what, payload) => {
    const res = await world.postWebhook('parley', world.signedWebhook(payload));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_webhook');
    await expectNothingStoredOrQueued();
  });

  it('text/plain is 415', async () => {
    const webhook = world.signedWebhook(joined());
    const res = await world.postWebhook('parley', {
      ...webhook,
      headers: { ...webhook.headers, 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    await expectNothingStoredOrQueued();
  });

  it('a body over the limit is 413', async () => {
    const big = { ...joined(), identity: 'x'.repeat(5000) };
    const res = await world.postWebhook('parley', world.signedWebhook(big));
    expect(res.status).toBe(413);
    await expectNothingStoredOrQueued();
  });

  it('no stack trace leaks in any refusal', async () => {
    const res = await world.postWebhook('parley', world.signedWebhook('{not json'));
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('a good webhook', () => {
  it('is stored and queued once; the same webhook again answers duplicates: 1 and queues nothing', async () => {
    const webhook = world.signedWebhook(joined('parley-room-nobody-created'), { id: 'msg_replayed_once' });
    const first = await world.postWebhook('parley', webhook);
    expect(first.status).toBe(200);
    expect(ProviderWebhookReceipt.parse(first.body)).toEqual({ received: 1, duplicates: 0 });
    await eventually(() => world.providerEvents().length === 1, 'the event on the bus');

    const again = await world.postWebhook('parley', webhook);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: 0, duplicates: 1 });
    expect(await world.count('provider_events')).toBe(1);
    expect(await world.count('outbox')).toBe(1);
    // The one event was published; nothing else follows it (the probe has seen all there is).
    await eventually(
      async () =>
        (await world.gateway.db.query(`SELECT 1 FROM outbox WHERE published_at IS NULL`)).rowCount === 0,
      'relay idle',
    );
    expect(world.providerEvents().map((e) => e.payload.eventId)).toEqual(['msg_replayed_once']);
  });

  it('moves the call along: joined → started, ended → ended with the reported duration, in the voip-link message', async () => {
    const bob = await world.signUp('bob');
    const conversationId = await world.conversation(alice, [bob]);
    const started = await world.api('POST', '/v1/calls', alice.token, { conversationId });
    expect(started.status).toBe(201);
    const call = ProviderCall.parse(started.body);
    expect(call).toMatchObject({
      provider: 'parley',
      roomId: `parley-${call.id}`,
      joinUrl: null,
      status: 'created',
    });

    const join = await world.postWebhook(
      'parley',
      world.signedWebhook({
        type: 'participant.joined',
        roomId: call.roomId,
        identity: bob.id,
        occurredAt: new Date().toISOString(),
      }),
    );
    expect(join.body).toEqual({ received: 1, duplicates: 0 });
    await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, alice.token)).body);
      return now.status === 'started' && now.participants.join() === bob.id;
    }, 'the call started with bob in it');

    await world.postWebhook(
      'parley',
      world.signedWebhook({
        type: 'call.ended',
        roomId: call.roomId,
        durationSeconds: 73,
        occurredAt: new Date().toISOString(),
      }),
    );
    const ended = await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, bob.token)).body);
      return now.status === 'ended' ? now : null;
    }, 'the call ended');
    expect(ended).toMatchObject({ participants: [], durationSeconds: 73 });

    // Every change went out as provider.call.updated.v1 with the full voip-link body...
    await eventually(() => world.callUpdates(call.id).length === 3, 'three call updates');
    expect(world.callUpdates(call.id).map((e) => e.payload.voipLink.status)).toEqual([
      'created',
      'started',
      'ended',
    ]);
    expect(world.callUpdates(call.id)[2]?.payload).toEqual({
      callId: call.id,
      conversationId,
      createdBy: alice.id,
      voipLink: {
        provider: 'parley',
        callId: call.roomId,
        status: 'ended',
        media: 'video',
        participants: [],
        gatewayCallId: call.id,
        startedAt: expect.any(String),
        endedAt: expect.any(String),
        durationSeconds: 73,
      },
    });
    // ...and messaging keeps one voip-link message in the conversation current.
    const links = await eventually(async () => {
      const found = await world.voipLinks(bob, conversationId);
      return found.length === 1 && found[0]?.status === 'ended' ? found : null;
    }, 'the voip-link message shows the ended call');
    expect(links[0]).toMatchObject({ gatewayCallId: call.id, durationSeconds: 73 });
  });
});
