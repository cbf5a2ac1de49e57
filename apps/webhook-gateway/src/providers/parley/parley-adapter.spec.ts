import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import { ParleyAdapter } from './parley-adapter.js';

const secret = `whsec_${Buffer.from('a test secret of enough length').toString('base64')}`;
const now = new Date('2026-01-01T10:00:00.000Z');
const body = {
  type: 'participant.joined',
  roomId: 'parley-x',
  identity: 'ann',
  occurredAt: now.toISOString(),
};

function signed(payload: unknown, at = now, id = 'msg_1', key = secret) {
  const rawBody = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const signature = new Webhook(key).sign(id, at, rawBody);
  return {
    rawBody,
    contentType: 'application/json',
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    publicUrl: 'http://gateway/v1/providers/parley/webhooks',
  };
}

const adapter = new ParleyAdapter({
  webhookSecret: secret,
  tokenSecret: undefined,
  replayWindowSeconds: 300,
});

describe('the built-in provider', () => {
  it('names rooms after the call and has no join link', async () => {
    expect(await adapter.createRoom({ callId: 'c1', media: 'video' })).toEqual({
      roomId: 'parley-c1',
      joinUrl: null,
    });
  });

  it('turns a signed webhook into one event whose id is the webhook id', async () => {
    expect(await adapter.verifyWebhook(signed(body), now)).toEqual([
      {
        provider: 'parley',
        eventId: 'msg_1',
        type: 'participant.joined',
        roomId: 'parley-x',
        identity: 'ann',
        occurredAt: now.toISOString(),
      },
    ]);
  });

  it('refuses a wrong signature, another key, a stale or future timestamp, and missing headers', async () => {
    const tampered = signed(body);
    tampered.rawBody = Buffer.from(JSON.stringify({ ...body, identity: 'eve' }));
    await expect(adapter.verifyWebhook(tampered, now)).rejects.toBeInstanceOf(WebhookSignatureError);
    const otherKey = `whsec_${Buffer.from('some other secret entirely!!').toString('base64')}`;
    await expect(adapter.verifyWebhook(signed(body, now, 'm', otherKey), now)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
    await expect(
      adapter.verifyWebhook(signed(body, new Date(now.getTime() - 301_000)), now),
    ).rejects.toBeInstanceOf(StaleWebhookError);
    await expect(
      adapter.verifyWebhook(signed(body, new Date(now.getTime() + 301_000)), now),
    ).rejects.toBeInstanceOf(StaleWebhookError);
    const bare = signed(body);
    await expect(adapter.verifyWebhook({ ...bare, headers: {} }, now)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('refuses everything when no secret is configured', async () => {
    const open = new ParleyAdapter({
      webhookSecret: undefined,
      tokenSecret: undefined,
      replayWindowSeconds: 300,
    });
    await expect(open.verifyWebhook(signed(body), now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('refuses other content types, malformed JSON and bodies that miss fields', async () => {
    await expect(
      adapter.verifyWebhook({ ...signed(body), contentType: 'text/plain' }, now),
    ).rejects.toBeInstanceOf(UnsupportedWebhookContentTypeError);
    await expect(adapter.verifyWebhook(signed('{"type": "call.e'), now)).rejects.toBeInstanceOf(
      MalformedWebhookError,
    );
    await expect(adapter.verifyWebhook(signed({ type: 'call.ended' }), now)).rejects.toBeInstanceOf(
      MalformedWebhookError,
    );
    const { identity: _identity, ...anonymous } = body;
    await expect(adapter.verifyWebhook(signed(anonymous), now)).rejects.toBeInstanceOf(MalformedWebhookError);
  });

  it('issues access tokens it can check, bound to the identity and room, until they expire', async () => {
    const issued = await adapter.accessToken({ identity: 'ann', roomId: 'parley-x', ttlSeconds: 60 });
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(issued.expiresAt).toBeGreaterThanOrEqual(nowSeconds + 59);
    expect(adapter.tokens.verify(issued.token, nowSeconds)).toEqual({
      sub: 'ann',
      room: 'parley-x',
      exp: issued.expiresAt,
    });
    expect(adapter.tokens.verify(issued.token, issued.expiresAt)).toBeNull();
    expect(adapter.tokens.verify(`${issued.token}x`, nowSeconds)).toBeNull();
  });
});
