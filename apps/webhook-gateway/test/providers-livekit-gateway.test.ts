// The gateway with LiveKit configured against the local RoomService stand-in: a LiveKit call creates the
// room there, signed webhooks move the call; a redelivery is a duplicate, a tampered one 401.
import { ProviderCall, ProviderCallJoin } from '@parley/protocol';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  liveKitWebhookBody,
  sendLiveKitWebhook,
  startFakeLiveKitServer,
  type FakeLiveKitServer,
} from './fake-providers/livekit-server.js';
import { eventually, GatewayWorld, type User } from './support/gateway-world.js';

const world = new GatewayWorld('livekit');
let liveKit: FakeLiveKitServer;
let alice: User;
let bob: User;

beforeAll(async () => {
  liveKit = await startFakeLiveKitServer();
  await world.startMessaging();
  await world.startGateway({
    LIVEKIT_URL: liveKit.url,
    LIVEKIT_API_KEY: liveKit.credentials.apiKey,
    LIVEKIT_API_SECRET: liveKit.credentials.apiSecret,
  });
  alice = await world.signUp('alice');
  bob = await world.signUp('bob');
});
afterAll(async () => {
  await world.stop();
  await liveKit?.close();
});

const webhookUrl = () => `${world.gatewayUrl}/v1/providers/livekit/webhooks`;

describe('a LiveKit call through the gateway', () => {
  it('creates the room at LiveKit, hands out join tokens, and signed webhooks start and end the call once each', async () => {
    const conversationId = await world.conversation(alice, [bob]);
    const started = await world.api('POST', '/v1/calls', alice.token, {
      conversationId,
      provider: 'livekit',
    });
    expect(started.status).toBe(201);
    const call = ProviderCall.parse(started.body);
    expect(call).toMatchObject({ provider: 'livekit', roomId: call.id, joinUrl: null, status: 'created' });
    expect(liveKit.room(call.roomId)?.deleted).toBe(false);

    const join = await world.api('POST', `/v1/calls/${call.id}/join`, bob.token);
    expect(join.status).toBe(200);
    const { access } = ProviderCallJoin.parse(join.body);
    const claims = await new TokenVerifier(liveKit.credentials.apiKey, liveKit.credentials.apiSecret).verify(
      access.token,
    );
    expect(claims).toMatchObject({
      sub: bob.id,
      exp: access.expires_at,
      video: { roomJoin: true, room: call.roomId },
    });

    const joined = await liveKit.sendRoomWebhook(webhookUrl(), call.roomId, {
      event: 'participant_joined',
      identity: bob.id,
    });
    expect(joined.response.status).toBe(200);
    expect(await joined.response.json()).toEqual({ received: 1, duplicates: 0 });

    // LiveKit retrying the same event: the same body (the same id), signed again.
    const again = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: joined.body,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: 0, duplicates: 1 });

    await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, alice.token)).body);
      return now.status === 'started' && now.participants.join() === bob.id;
    }, 'the call started with bob in it');

    const finished = await liveKit.sendRoomWebhook(webhookUrl(), call.roomId, { event: 'room_finished' });
    expect(finished.response.status).toBe(200);
    await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, bob.token)).body);
      return now.status === 'ended';
    }, 'the call ended');
  });

  it('refuses a body changed after signing, another secret and another content type', async () => {
    const body = liveKitWebhookBody({
      event: 'participant_joined',
      roomName: 'some-room',
      identity: 'alice',
    });
    const tampered = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: body.replace('alice', 'mallory'),
      signedBody: body,
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { code: string }).code).toBe('invalid_signature');

    const forged = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: { ...liveKit.credentials, apiSecret: 'someone-elses-secret-0123456789' },
      body,
    });
    expect(forged.status).toBe(401);

    const stale = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: liveKitWebhookBody({
        event: 'room_started',
        roomName: 'r',
        createdAt: new Date(Date.now() - 600_000),
      }),
    });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { code: string }).code).toBe('stale_webhook');

    const plain = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body,
      contentType: 'text/plain',
    });
    expect(plain.status).toBe(415);
    expect(await world.count('provider_events')).toBe(2);
  });
});
