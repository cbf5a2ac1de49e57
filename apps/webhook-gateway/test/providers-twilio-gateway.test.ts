// The gateway with Twilio configured against the local Video REST stand-in: a Twilio call creates a room
// there, and the room's signed status callbacks move the call; a redelivery is a duplicate, a tampered one 401.
import { ProviderCall, ProviderCallJoin } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioStatusCallbackUrl } from '../src/providers/twilio/twilio-adapter.js';
import {
  sendTwilioCallback,
  startFakeTwilioVideoServer,
  twilioSid,
  verifyTwilioAccessToken,
  type FakeTwilioVideoServer,
} from './fake-providers/twilio-video-server.js';
import { eventually, GatewayWorld, type User } from './support/gateway-world.js';

/** Twilio signs the URL it was given; the gateway checks it against GATEWAY_PUBLIC_URL, not its bound port. */
const PUBLIC_URL = 'https://gateway.parley.test';

const world = new GatewayWorld('twilio');
let twilioServer: FakeTwilioVideoServer;
let alice: User;
let bob: User;

beforeAll(async () => {
  twilioServer = await startFakeTwilioVideoServer();
  await world.startMessaging();
  await world.startGateway({
    GATEWAY_PUBLIC_URL: PUBLIC_URL,
    TWILIO_ACCOUNT_SID: twilioServer.credentials.accountSid,
    TWILIO_API_KEY: twilioServer.credentials.apiKey,
    TWILIO_API_SECRET: twilioServer.credentials.apiSecret,
    TWILIO_AUTH_TOKEN: twilioServer.credentials.authToken,
    TWILIO_API_BASE_URL: twilioServer.url,
  });
  alice = await world.signUp('alice');
  bob = await world.signUp('bob');
});
afterAll(async () => {
  await world.stop();
  await twilioServer?.close();
});

const webhookUrl = () => `${world.gatewayUrl}/v1/providers/twilio/webhooks`;

describe('a Twilio call through the gateway', () => {
  it('creates the room at Twilio, and its signed callbacks start and end the call, each stored once', async () => {
    const conversationId = await world.conversation(alice, [bob]);
    const started = await world.api('POST', '/v1/calls', alice.token, { conversationId, provider: 'twilio' });
    expect(started.status).toBe(201);
    const call = ProviderCall.parse(started.body);
    expect(call).toMatchObject({ provider: 'twilio', joinUrl: null, status: 'created' });
    expect(call.roomId).toMatch(/^RM[0-9a-f]{32}$/);
    expect(twilioServer.room(call.roomId)).toMatchObject({
      uniqueName: call.id,
      statusCallback: twilioStatusCallbackUrl(PUBLIC_URL),
    });

    const join = await world.api('POST', `/v1/calls/${call.id}/join`, bob.token);
    expect(join.status).toBe(200);
    const { access } = ProviderCallJoin.parse(join.body);
    const { payload } = verifyTwilioAccessToken(access.token, twilioServer.credentials.apiSecret);
    expect(payload).toMatchObject({
      sub: twilioServer.credentials.accountSid,
      exp: access.expires_at,
      grants: { identity: bob.id, video: { room: call.roomId } },
    });

    const joined = await twilioServer.sendRoomCallback(
      call.roomId,
      { event: 'participant-connected', identity: bob.id },
      { deliverTo: webhookUrl() },
    );
    expect(joined.response.status).toBe(200);
    expect(await joined.response.json()).toEqual({ received: 1, duplicates: 0 });

    // Twilio retrying the same callback: the same parameters, the same signature.
    const again = await sendTwilioCallback({
      url: webhookUrl(),
      signedUrl: joined.signedUrl,
      authToken: twilioServer.credentials.authToken,
      params: joined.params,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: 0, duplicates: 1 });

    await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, alice.token)).body);
      return now.status === 'started' && now.participants.join() === bob.id;
    }, 'the call started with bob in it');

    const ended = await twilioServer.sendRoomCallback(
      call.roomId,
      { event: 'room-ended', roomDurationSeconds: 42 },
      { deliverTo: webhookUrl() },
    );
    expect(ended.response.status).toBe(200);
    const finished = await eventually(async () => {
      const now = ProviderCall.parse((await world.api('GET', `/v1/calls/${call.id}`, bob.token)).body);
      return now.status === 'ended' ? now : null;
    }, 'the call ended');
    expect(finished.durationSeconds).toBe(42);
  });

  it('refuses a tampered callback with 401 and one signed for another URL with 401', async () => {
    const params = {
      AccountSid: twilioServer.credentials.accountSid,
      RoomSid: twilioSid('RM'),
      StatusCallbackEvent: 'participant-connected',
      ParticipantSid: twilioSid('PA'),
      ParticipantIdentity: 'alice',
      Timestamp: new Date().toISOString(),
    };
    const signedUrl = twilioStatusCallbackUrl(PUBLIC_URL);
    const authToken = twilioServer.credentials.authToken;
    const tampered = await sendTwilioCallback({
      url: webhookUrl(),
      signedUrl,
      authToken,
      params: { ...params, ParticipantIdentity: 'mallory' },
      signedParams: params,
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { code: string }).code).toBe('invalid_signature');

    const elsewhere = await sendTwilioCallback({ url: webhookUrl(), authToken, params });
    expect(elsewhere.status).toBe(401);
    expect(await world.count('provider_events')).toBe(2);
  });
});
