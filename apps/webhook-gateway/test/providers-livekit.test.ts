import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveKitAdapter } from '../src/providers/livekit/livekit-adapter.js';
import type { ProviderAdapter } from '../src/providers/provider-adapter.js';
import {
  liveKitWebhookBody,
  sendLiveKitWebhook,
  startFakeLiveKitServer,
  type FakeLiveKitServer,
} from './fake-providers/livekit-server.js';
import { startWebhookCatcher, type WebhookCatcher } from './fake-providers/webhook-catcher.js';

let liveKit: FakeLiveKitServer;
let catcher: WebhookCatcher;
let adapter: ProviderAdapter;
const webhookUrl = () => `${catcher.url}/v1/providers/livekit/webhooks`;

beforeAll(async () => {
  liveKit = await startFakeLiveKitServer();
  adapter = createLiveKitAdapter({ url: liveKit.url, ...liveKit.credentials });
  catcher = await startWebhookCatcher((webhook, now) => adapter.verifyWebhook(webhook, now));
});

afterAll(async () => {
  await catcher?.close();
  await liveKit?.close();
});

describe('LiveKit adapter against the RoomService', () => {
  it('creates a room named by the call over Twirp, with an API-key token allowed to create rooms', async () => {
    const callId = crypto.randomUUID();
    const created = await adapter.createRoom({ callId, media: 'video' });

    expect(created).toEqual({ roomId: callId, joinUrl: null });
    const request = liveKit.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/twirp/livekit.RoomService/CreateRoom');
    expect(JSON.parse(request.body)).toMatchObject({ name: callId });
    const bearer = request.headers['authorization']?.replace(/^Bearer /, '') ?? '';
    const claims = await new TokenVerifier(liveKit.credentials.apiKey, liveKit.credentials.apiSecret).verify(
      bearer,
    );
    expect(claims.video).toMatchObject({ roomCreate: true });
    expect(liveKit.room(callId)).toMatchObject({ name: callId, deleted: false });
    expect(liveKit.room(callId)?.sid).toMatch(/^RM_/);
  });

  it('ends a room by deleting it', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'audio' });
    await adapter.endRoom(created.roomId);

    const request = liveKit.requests.at(-1)!;
    expect(request.path).toBe('/twirp/livekit.RoomService/DeleteRoom');
    expect(JSON.parse(request.body)).toEqual({ room: created.roomId });
    expect(liveKit.room(created.roomId)?.deleted).toBe(true);
  });

  it('fails to create a room when the server refuses the API secret', async () => {
    const wrong = createLiveKitAdapter({
      url: liveKit.url,
      apiKey: liveKit.credentials.apiKey,
      apiSecret: 'not-the-secret-0123456789',
    });
    await expect(wrong.createRoom({ callId: crypto.randomUUID(), media: 'video' })).rejects.toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('takes a room the server has already closed as ended', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'video' });
    await adapter.endRoom(created.roomId);
    await expect(adapter.endRoom(created.roomId)).resolves.toBeUndefined();
    expect(liveKit.requests.at(-1)?.path).toBe('/twirp/livekit.RoomService/DeleteRoom');
  });

  it('fails to end a room when the server refuses the API secret', async () => {
    const wrong = createLiveKitAdapter({
      url: liveKit.url,
      apiKey: liveKit.credentials.apiKey,
      apiSecret: 'not-the-secret-0123456789',
    });
    await expect(wrong.endRoom(crypto.randomUUID())).rejects.toMatchObject({ status: 401 });
  });
});

describe('LiveKit access tokens', () => {
  it('verify with the API secret and grant joining the room to the identity until the reported expiry', async () => {
    const issued = await adapter.accessToken({ identity: 'bob', roomId: 'call-x', ttlSeconds: 120 });
    const claims = await new TokenVerifier(liveKit.credentials.apiKey, liveKit.credentials.apiSecret).verify(
      issued.token,
    );
    expect(claims).toMatchObject({
      iss: liveKit.credentials.apiKey,
      sub: 'bob',
      video: { roomJoin: true, room: 'call-x' },
    });
    expect(claims.exp).toBe(issued.expiresAt);
    expect(issued.expiresAt - (claims.nbf ?? 0)).toBe(120);
    await expect(
      new TokenVerifier(liveKit.credentials.apiKey, 'another-secret').verify(issued.token),
    ).rejects.toThrow();
  });
});

describe('LiveKit webhooks, signed as LiveKit signs them', () => {
  it('verify and normalise a room from start to finish', async () => {
    const created = await adapter.createRoom({ callId: crypto.randomUUID(), media: 'video' });
    const sent = [
      await liveKit.sendRoomWebhook(webhookUrl(), created.roomId, { event: 'room_started' }),
      await liveKit.sendRoomWebhook(webhookUrl(), created.roomId, {
        event: 'participant_joined',
        identity: 'alice',
      }),
      await liveKit.sendRoomWebhook(webhookUrl(), created.roomId, {
        event: 'track_published',
        identity: 'alice',
      }),
      await liveKit.sendRoomWebhook(webhookUrl(), created.roomId, {
        event: 'participant_left',
        identity: 'alice',
      }),
      await liveKit.sendRoomWebhook(webhookUrl(), created.roomId, { event: 'room_finished' }),
    ];
    const bodies = (await Promise.all(sent.map(({ response }) => response.json()))) as {
      events: unknown[];
    }[];

    expect(sent.map(({ response }) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(bodies.map((body) => body.events)).toEqual([
      [expect.objectContaining({ provider: 'livekit', type: 'call.started', roomId: created.roomId })],
      [expect.objectContaining({ type: 'participant.joined', identity: 'alice' })],
      [],
      [expect.objectContaining({ type: 'participant.left', identity: 'alice' })],
      [
        expect.objectContaining({
          type: 'call.ended',
          roomId: created.roomId,
          durationSeconds: expect.any(Number),
        }),
      ],
    ]);
    const sentId = (JSON.parse(sent[0]!.body) as { id: string }).id;
    expect((bodies[0]!.events[0] as { eventId: string }).eventId).toBe(sentId);
  });

  it('are refused when the body changed after signing', async () => {
    const signedBody = liveKitWebhookBody({ event: 'participant_joined', roomName: 'r', identity: 'alice' });
    const response = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: signedBody.replace('alice', 'mallory'),
      signedBody,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'WebhookSignatureError' });
  });

  it('are refused when signed with another secret', async () => {
    const response = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: { ...liveKit.credentials, apiSecret: 'someone-elses-secret-0123456789' },
      body: liveKitWebhookBody({ event: 'room_started', roomName: 'r' }),
    });
    expect(response.status).toBe(401);
  });

  it('are refused as stale when created before the replay window', async () => {
    const response = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: liveKitWebhookBody({
        event: 'room_started',
        roomName: 'r',
        createdAt: new Date(Date.now() - 10 * 60_000),
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'StaleWebhookError' });
  });

  it('are refused with a content type LiveKit does not send', async () => {
    const response = await sendLiveKitWebhook({
      url: webhookUrl(),
      credentials: liveKit.credentials,
      body: liveKitWebhookBody({ event: 'room_started', roomName: 'r' }),
      contentType: 'text/plain',
    });
    expect(response.status).toBe(415);
  });
});
