import { ProviderEvent } from '@parley/protocol';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import {
  liveKitWebhookBody,
  signLiveKitWebhook,
  type LiveKitWebhookInput,
} from '../../../test/fake-providers/livekit-server.js';
import type { InboundWebhook } from '../provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import { createLiveKitAdapter } from './livekit-adapter.js';

const credentials = { apiKey: 'APIunittests', apiSecret: 'livekit-secret-for-unit-tests-0123456789' };
const adapter = createLiveKitAdapter({ url: 'http://127.0.0.1:1', ...credentials });
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

async function signed(
  body: string,
  options: { signedBody?: string; contentType?: string } = {},
): Promise<InboundWebhook> {
  return {
    rawBody: Buffer.from(body),
    contentType: options.contentType ?? 'application/webhook+json',
    headers: { authorization: await signLiveKitWebhook(options.signedBody ?? body, credentials) },
    publicUrl: 'https://gateway.parley.test/v1/providers/livekit/webhooks',
  };
}

function body(input: Partial<LiveKitWebhookInput> & Pick<LiveKitWebhookInput, 'event'>): string {
  return liveKitWebhookBody({ roomName: 'call-1', createdAt: now, id: `EV_${input.event}`, ...input });
}

describe('LiveKit webhooks', () => {
  it('normalise room_started into call.started on the room name, with LiveKit event id and createdAt', async () => {
    const events = await adapter.verifyWebhook(await signed(body({ event: 'room_started' })), now);
    expect(events).toEqual([
      {
        provider: 'livekit',
        eventId: 'EV_room_started',
        type: 'call.started',
        roomId: 'call-1',
        occurredAt: now.toISOString(),
      },
    ]);
    expect(() => ProviderEvent.array().parse(events)).not.toThrow();
  });

  it('normalise participant_joined and participant_left with the participant identity', async () => {
    const joined = await adapter.verifyWebhook(
      await signed(body({ event: 'participant_joined', identity: 'alice' })),
      now,
    );
    const left = await adapter.verifyWebhook(
      await signed(body({ event: 'participant_left', identity: 'alice' })),
      now,
    );
    expect(joined).toEqual([
      expect.objectContaining({ type: 'participant.joined', identity: 'alice', roomId: 'call-1' }),
    ]);
    expect(left).toEqual([
      expect.objectContaining({
        type: 'participant.left',
        identity: 'alice',
        eventId: 'EV_participant_left',
      }),
    ]);
  });

  it('normalise room_finished into call.ended lasting from the room creation to the event', async () => {
    const roomCreatedAt = new Date(now.getTime() - 95_000);
    const events = await adapter.verifyWebhook(
      await signed(body({ event: 'room_finished', roomCreatedAt })),
      now,
    );
    expect(events).toEqual([
      expect.objectContaining({ type: 'call.ended', roomId: 'call-1', durationSeconds: 95 }),
    ]);
  });

  it('answer no events for track, egress and aborted-connection events', async () => {
    for (const event of ['track_published', 'egress_started', 'participant_connection_aborted'] as const) {
      await expect(
        adapter.verifyWebhook(await signed(body({ event, identity: 'alice' })), now),
      ).resolves.toEqual([]);
    }
  });

  it('accept plain application/json and a Bearer-prefixed Authorization', async () => {
    const webhook = await signed(body({ event: 'room_started' }), { contentType: 'application/json' });
    const headers = { authorization: `Bearer ${webhook.headers['authorization']}` };
    await expect(adapter.verifyWebhook({ ...webhook, headers }, now)).resolves.toHaveLength(1);
  });
});

describe('LiveKit webhooks that are refused', () => {
  it('without an Authorization header', async () => {
    const webhook = await signed(body({ event: 'room_started' }));
    await expect(adapter.verifyWebhook({ ...webhook, headers: {} }, now)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('with a body changed after signing', async () => {
    const original = body({ event: 'participant_joined', identity: 'alice' });
    const webhook = await signed(original.replace('alice', 'mallory'), { signedBody: original });
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('signed with another secret or another API key', async () => {
    const payload = body({ event: 'room_started' });
    const otherSecret = await signLiveKitWebhook(payload, {
      ...credentials,
      apiSecret: 'another-secret-0123456789abcdef',
    });
    const otherKey = await signLiveKitWebhook(payload, { ...credentials, apiKey: 'APIsomeoneelse' });
    for (const authorization of [otherSecret, otherKey, 'not-a-jwt']) {
      const webhook: InboundWebhook = { ...(await signed(payload)), headers: { authorization } };
      await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(WebhookSignatureError);
    }
  });

  it('with a content type LiveKit never sends, before the signature is looked at', async () => {
    const webhook = await signed(body({ event: 'room_started' }));
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      await expect(adapter.verifyWebhook({ ...webhook, contentType }, now)).rejects.toBeInstanceOf(
        UnsupportedWebhookContentTypeError,
      );
    }
  });

  it('with a createdAt outside the replay window, in the past or the future', async () => {
    const old = await signed(body({ event: 'room_started', createdAt: new Date(now.getTime() - 301_000) }));
    const future = await signed(
      body({ event: 'room_started', createdAt: new Date(now.getTime() + 301_000) }),
    );
    await expect(adapter.verifyWebhook(old, now)).rejects.toBeInstanceOf(StaleWebhookError);
    await expect(adapter.verifyWebhook(future, now)).rejects.toBeInstanceOf(StaleWebhookError);
    const strict = createLiveKitAdapter({
      url: 'http://127.0.0.1:1',
      ...credentials,
      replayWindowSeconds: 5,
    });
    const recent = await signed(body({ event: 'room_started', createdAt: new Date(now.getTime() - 6_000) }));
    await expect(strict.verifyWebhook(recent, now)).rejects.toBeInstanceOf(StaleWebhookError);
    await expect(adapter.verifyWebhook(recent, now)).resolves.toHaveLength(1);
  });

  it('with an expired Authorization token, as stale', async () => {
    const payload = body({ event: 'room_started' });
    const token = new AccessToken(credentials.apiKey, credentials.apiSecret, { ttl: -60 });
    const { createHash } = await import('node:crypto');
    token.sha256 = createHash('sha256').update(payload).digest('base64');
    const webhook: InboundWebhook = {
      ...(await signed(payload)),
      headers: { authorization: await token.toJwt() },
    };
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(StaleWebhookError);
  });

  it('signed but not a webhook event: not JSON, the wrong shape, no id, no room, no identity', async () => {
    const noId = JSON.stringify({ ...JSON.parse(body({ event: 'room_started' })), id: '' });
    const noRoom = JSON.stringify({ ...JSON.parse(body({ event: 'room_started' })), room: undefined });
    const noIdentity = JSON.stringify({
      ...JSON.parse(body({ event: 'participant_joined' })),
      participant: { sid: 'PA_1' },
    });
    for (const bad of ['{not json', '[1,2]', '{"event":5}', noId, noRoom, noIdentity]) {
      await expect(adapter.verifyWebhook(await signed(bad), now)).rejects.toBeInstanceOf(
        MalformedWebhookError,
      );
    }
  });
});

describe('LiveKit access tokens', () => {
  it('grant joining the room to the identity and report the expiry the token states', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await adapter.accessToken({ identity: 'alice', roomId: 'call-1', ttlSeconds: 600 });
    const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(issued.token);
    expect(claims.sub).toBe('alice');
    expect(claims.video).toEqual({ roomJoin: true, room: 'call-1' });
    expect(claims.exp).toBe(issued.expiresAt);
    expect(issued.expiresAt).toBeGreaterThanOrEqual(before + 600);
    expect(issued.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
  });
});
