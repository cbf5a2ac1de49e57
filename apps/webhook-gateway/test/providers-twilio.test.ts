import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioAdapter, twilioStatusCallbackUrl } from '../src/providers/twilio/twilio-adapter.js';
import type { ProviderAdapter } from '../src/providers/provider-adapter.js';
import {
  sendTwilioCallback,
  startFakeTwilioVideoServer,
  twilioRoomCallbackParams,
  twilioSid,
  verifyTwilioAccessToken,
  type FakeTwilioVideoServer,
} from './fake-providers/twilio-video-server.js';
import { startWebhookCatcher, type WebhookCatcher } from './fake-providers/webhook-catcher.js';

let twilioServer: FakeTwilioVideoServer;
let catcher: WebhookCatcher;
let adapter: ProviderAdapter;

beforeAll(async () => {
  twilioServer = await startFakeTwilioVideoServer();
  // The adapter's status callback URL is the catcher's, so the catcher starts first.
  catcher = await startWebhookCatcher((webhook, now) => adapter.verifyWebhook(webhook, now));
  adapter = createTwilioAdapter({
    ...twilioServer.credentials,
    apiBaseUrl: twilioServer.url,
    publicUrl: catcher.url,
  });
});

afterAll(async () => {
  await catcher?.close();
  await twilioServer?.close();
});

describe('Twilio adapter against the Video REST API', () => {
  it('creates a group room named by the call, with its status callback, authenticated with the API key', async () => {
    const callId = crypto.randomUUID();
    const created = await adapter.createRoom({ callId, media: 'video' });

    expect(created.roomId).toMatch(/^RM[0-9a-f]{32}$/);
    expect(created.joinUrl).toBeNull();
    const request = twilioServer.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/Rooms');
    const { apiKey, apiSecret } = twilioServer.credentials;
    expect(request.headers['authorization']).toBe(
      `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toMatchObject({
      UniqueName: callId,
      Type: 'group',
      AudioOnly: 'false',
      StatusCallback: twilioStatusCallbackUrl(catcher.url),
      StatusCallbackMethod: 'POST',
    });
    expect(twilioServer.room(created.roomId)).toMatchObject({ uniqueName: callId, status: 'in-progress' });
  });

  it('creates an audio call as an audio-only room', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'audio' });
    expect(twilioServer.room(created.roomId)?.audioOnly).toBe(true);
  });

  it('ends a room by completing it', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'video' });
    await adapter.endRoom(created.roomId);

    const request = twilioServer.requests.at(-1)!;
    expect(request.path).toBe(`/v1/Rooms/${created.roomId}`);
    expect(new URLSearchParams(request.body).get('Status')).toBe('completed');
    expect(twilioServer.room(created.roomId)?.status).toBe('completed');
  });

  it('takes ending a room that is already completed as done', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'video' });
    await adapter.endRoom(created.roomId);
    await expect(adapter.endRoom(created.roomId)).resolves.toBeUndefined();
    expect(twilioServer.room(created.roomId)?.status).toBe('completed');
  });

  it('fails to create a room when Twilio refuses the credentials', async () => {
    const wrong = createTwilioAdapter({
      ...twilioServer.credentials,
      apiSecret: 'not-the-secret',
      apiBaseUrl: twilioServer.url,
      publicUrl: catcher.url,
    });
    await expect(wrong.createRoom({ callId: crypto.randomUUID(), media: 'video' })).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('fails to end a room Twilio does not know', async () => {
    await expect(adapter.endRoom(twilioSid('RM'))).rejects.toMatchObject({ status: 404 });
  });
});

describe('Twilio access tokens', () => {
  it('are signed with the API secret and carry the identity, the room and the expiry they report', async () => {
    const { accountSid, apiKey, apiSecret } = twilioServer.credentials;
    const roomSid = twilioSid('RM');
    const issued = await adapter.accessToken({ identity: 'alice', roomId: roomSid, ttlSeconds: 900 });

    const { header, payload } = verifyTwilioAccessToken(issued.token, apiSecret);
    expect(header).toMatchObject({ alg: 'HS256', cty: 'twilio-fpa;v=1' });
    expect(payload).toMatchObject({
      iss: apiKey,
      sub: accountSid,
      grants: { identity: 'alice', video: { room: roomSid } },
    });
    expect(payload['exp']).toBe(issued.expiresAt);
    expect(issued.expiresAt - (payload['iat'] as number)).toBe(900);
    expect(() => verifyTwilioAccessToken(issued.token, 'another-secret')).toThrow();
  });
});

describe('Twilio status callbacks, signed as Twilio signs them', () => {
  it('verify and normalise every tracked event of a room, in order', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'video' });
    const participantSid = twilioSid('PA');
    const send = async (callback: Parameters<FakeTwilioVideoServer['sendRoomCallback']>[1]) =>
      (await twilioServer.sendRoomCallback(created.roomId, callback)).response;
    const responses = [
      await send({ event: 'room-created' }),
      await send({ event: 'participant-connected', participantSid, identity: 'alice' }),
      await send({ event: 'track-added' }),
      await send({ event: 'participant-disconnected', participantSid, identity: 'alice' }),
      await send({ event: 'room-ended', roomDurationSeconds: 61 }),
    ];
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as {
      events: unknown[];
    }[];

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(bodies.map((body) => body.events)).toEqual([
      [expect.objectContaining({ provider: 'twilio', type: 'call.started', roomId: created.roomId })],
      [
        expect.objectContaining({
          type: 'participant.joined',
          identity: 'alice',
          eventId: `${created.roomId}/participant-connected/${participantSid}`,
        }),
      ],
      [],
      [expect.objectContaining({ type: 'participant.left', identity: 'alice' })],
      [expect.objectContaining({ type: 'call.ended', durationSeconds: 61 })],
    ]);
  });

  const url = () => twilioStatusCallbackUrl(catcher.url);
  const params = () =>
    twilioRoomCallbackParams({
      event: 'participant-connected',
      roomSid: twilioSid('RM'),
      identity: 'alice',
      accountSid: twilioServer.credentials.accountSid,
    });

  it('are refused with a parameter changed after signing', async () => {
    const signed = params();
    const response = await sendTwilioCallback({
      url: url(),
      authToken: twilioServer.credentials.authToken,
      params: { ...signed, ParticipantIdentity: 'mallory' },
      signedParams: signed,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'WebhookSignatureError' });
  });

  it('are refused when signed for another URL', async () => {
    const response = await sendTwilioCallback({
      url: url(),
      authToken: twilioServer.credentials.authToken,
      params: params(),
      signedUrl: `${url()}?elsewhere=1`,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'WebhookSignatureError' });
  });

  it('are refused when signed with another auth token', async () => {
    const response = await sendTwilioCallback({
      url: url(),
      authToken: 'not-the-auth-token',
      params: params(),
    });
    expect(response.status).toBe(401);
  });

  it('are refused as stale when their Timestamp is older than the replay window', async () => {
    const response = await sendTwilioCallback({
      url: url(),
      authToken: twilioServer.credentials.authToken,
      params: { ...params(), Timestamp: new Date(Date.now() - 10 * 60_000).toISOString() },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'StaleWebhookError' });
  });

  it('verify with HMAC_SHA256 when the settings header names it', async () => {
    const response = await sendTwilioCallback({
      url: url(),
      authToken: twilioServer.credentials.authToken,
      params: params(),
      algorithm: 'HMAC_SHA256',
    });
    expect(response.status).toBe(200);
  });
});
