import { createHash } from 'node:crypto';
import { ProviderEvent } from '@parley/protocol';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { InboundWebhook } from '../provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../webhook-errors.js';
import { createTwilioAdapter, twilioStatusCallbackUrl } from './twilio-adapter.js';

const authToken = 'twilio-auth-token-for-unit-tests';
const publicUrl = 'https://gateway.parley.test';
const callbackUrl = twilioStatusCallbackUrl(publicUrl);
const now = new Date('2026-03-01T12:00:00.000Z');
const roomSid = 'RM0123456789abcdef0123456789abcdef';
const participantSid = 'PA0123456789abcdef0123456789abcdef';

const adapter = createTwilioAdapter({
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  apiKey: 'SK0123456789abcdef0123456789abcdef',
  apiSecret: 'api-secret-for-unit-tests',
  authToken,
  publicUrl,
});

function callback(params: Record<string, string>): Record<string, string> {
  return {
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    RoomName: 'a-call',
    RoomSid: roomSid,
    RoomStatus: 'in-progress',
    RoomType: 'group',
    Timestamp: now.toISOString(),
    SequenceNumber: '0',
    ...params,
  };
}

function formWebhook(
  params: Record<string, string>,
  options: {
    url?: string;
    signedUrl?: string;
    signedParams?: Record<string, string>;
    algorithm?: string;
  } = {},
): InboundWebhook {
  const url = options.url ?? callbackUrl;
  const signature = twilio.getExpectedTwilioSignature(
    authToken,
    options.signedUrl ?? url,
    options.signedParams ?? params,
    options.algorithm,
  );
  const headers: Record<string, string> = { 'x-twilio-signature': signature };
  if (options.algorithm) headers['x-twilio-webhooks-signature-settings'] = `algorithm=${options.algorithm}`;
  return {
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
    contentType: 'application/x-www-form-urlencoded',
    headers,
    publicUrl: url,
  };
}

describe('Twilio status callbacks', () => {
  it('normalise room-created into call.started on the room sid', async () => {
    const events = await adapter.verifyWebhook(
      formWebhook(callback({ StatusCallbackEvent: 'room-created' })),
      now,
    );
    expect(events).toEqual([
      {
        provider: 'twilio',
        eventId: `${roomSid}/room-created`,
        type: 'call.started',
        roomId: roomSid,
        occurredAt: now.toISOString(),
      },
    ]);
    expect(() => ProviderEvent.array().parse(events)).not.toThrow();
  });

  it('normalise participant-connected and participant-disconnected with the participant identity', async () => {
    const participant = {
      ParticipantSid: participantSid,
      ParticipantIdentity: 'alice',
      ParticipantStatus: 'connected',
    };
    const joined = await adapter.verifyWebhook(
      formWebhook(callback({ StatusCallbackEvent: 'participant-connected', ...participant })),
      now,
    );
    const left = await adapter.verifyWebhook(
      formWebhook(
        callback({
          StatusCallbackEvent: 'participant-disconnected',
          ...participant,
          ParticipantStatus: 'disconnected',
          ParticipantDuration: '42',
          SequenceNumber: '3',
        }),
      ),
      now,
    );
    expect(joined).toEqual([
      expect.objectContaining({ type: 'participant.joined', identity: 'alice', roomId: roomSid }),
    ]);
    expect(left).toEqual([
      expect.objectContaining({ type: 'participant.left', identity: 'alice', roomId: roomSid }),
    ]);
    expect(joined[0]?.eventId).toBe(`${roomSid}/participant-connected/${participantSid}`);
    expect(left[0]?.eventId).toBe(`${roomSid}/participant-disconnected/${participantSid}`);
  });

  it('normalise room-ended into call.ended with RoomDuration as durationSeconds', async () => {
    const events = await adapter.verifyWebhook(
      formWebhook(
        callback({ StatusCallbackEvent: 'room-ended', RoomStatus: 'completed', RoomDuration: '125' }),
      ),
      now,
    );
    expect(events).toEqual([
      expect.objectContaining({ type: 'call.ended', roomId: roomSid, durationSeconds: 125 }),
    ]);
  });

  it('give a redelivered callback the same event id even when it is stamped again', async () => {
    const first = await adapter.verifyWebhook(
      formWebhook(callback({ StatusCallbackEvent: 'room-created' })),
      now,
    );
    const again = await adapter.verifyWebhook(
      formWebhook(
        callback({
          StatusCallbackEvent: 'room-created',
          Timestamp: new Date(now.getTime() + 5_000).toISOString(),
        }),
      ),
      now,
    );
    expect(again[0]?.eventId).toBe(first[0]?.eventId);
  });

  it('answer no events for track and recording callbacks', async () => {
    for (const event of ['track-added', 'track-enabled', 'recording-started', 'recording-completed']) {
      await expect(
        adapter.verifyWebhook(formWebhook(callback({ StatusCallbackEvent: event, TrackSid: 'MT1' })), now),
      ).resolves.toEqual([]);
    }
  });

  it('use the time of receipt when the callback has no Timestamp', async () => {
    const { Timestamp: _dropped, ...params } = callback({ StatusCallbackEvent: 'room-created' });
    const events = await adapter.verifyWebhook(formWebhook(params), now);
    expect(events[0]?.occurredAt).toBe(now.toISOString());
  });

  it('accept the HMAC_SHA256 algorithm named in the signature settings header', async () => {
    const webhook = formWebhook(callback({ StatusCallbackEvent: 'room-created' }), {
      algorithm: twilio.HMAC_SHA256,
    });
    await expect(adapter.verifyWebhook(webhook, now)).resolves.toHaveLength(1);
  });

  it('verify a JSON body through the bodySHA256 of the signed URL', async () => {
    const body = JSON.stringify(callback({ StatusCallbackEvent: 'room-ended', RoomDuration: '7' }));
    const url = `${callbackUrl}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const webhook: InboundWebhook = {
      rawBody: Buffer.from(body),
      contentType: 'application/json',
      headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, {}) },
      publicUrl: url,
    };
    await expect(adapter.verifyWebhook(webhook, now)).resolves.toEqual([
      expect.objectContaining({ type: 'call.ended', durationSeconds: 7 }),
    ]);

    const tampered = { ...webhook, rawBody: Buffer.from(body.replace('"7"', '"8"')) };
    await expect(adapter.verifyWebhook(tampered, now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});

describe('Twilio status callbacks that are refused', () => {
  const params = callback({
    StatusCallbackEvent: 'participant-connected',
    ParticipantSid: participantSid,
    ParticipantIdentity: 'alice',
  });

  it('without a signature header', async () => {
    const webhook = formWebhook(params);
    await expect(adapter.verifyWebhook({ ...webhook, headers: {} }, now)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('signed with another auth token', async () => {
    const webhook = formWebhook(params);
    const forged = twilio.getExpectedTwilioSignature('someone-elses-token', callbackUrl, params);
    await expect(
      adapter.verifyWebhook({ ...webhook, headers: { 'x-twilio-signature': forged } }, now),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('with a parameter changed after signing', async () => {
    const webhook = formWebhook({ ...params, ParticipantIdentity: 'mallory' }, { signedParams: params });
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('with a parameter added after signing', async () => {
    const webhook = formWebhook({ ...params, RoomDuration: '1' }, { signedParams: params });
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('signed for another URL', async () => {
    const webhook = formWebhook(params, { signedUrl: 'https://elsewhere.test/v1/providers/twilio/webhooks' });
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('naming a signature algorithm Twilio does not have', async () => {
    const webhook = formWebhook(params);
    const headers = { ...webhook.headers, 'x-twilio-webhooks-signature-settings': 'algorithm=NONE' };
    await expect(adapter.verifyWebhook({ ...webhook, headers }, now)).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('with a content type Twilio never sends, before the signature is looked at', async () => {
    const webhook = formWebhook(params);
    for (const contentType of ['text/plain', 'multipart/form-data', 'application/webhook+json', undefined]) {
      await expect(adapter.verifyWebhook({ ...webhook, contentType }, now)).rejects.toBeInstanceOf(
        UnsupportedWebhookContentTypeError,
      );
    }
  });

  it('with a Timestamp older or newer than the replay window', async () => {
    const old = formWebhook({ ...params, Timestamp: new Date(now.getTime() - 301_000).toISOString() });
    const future = formWebhook({ ...params, Timestamp: new Date(now.getTime() + 301_000).toISOString() });
    await expect(adapter.verifyWebhook(old, now)).rejects.toBeInstanceOf(StaleWebhookError);
    await expect(adapter.verifyWebhook(future, now)).rejects.toBeInstanceOf(StaleWebhookError);
    const edge = formWebhook({ ...params, Timestamp: new Date(now.getTime() - 299_000).toISOString() });
    await expect(adapter.verifyWebhook(edge, now)).resolves.toHaveLength(1);
  });

  it('with a Timestamp outside a configured replay window', async () => {
    const strict = createTwilioAdapter({
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      apiKey: 'SK0123456789abcdef0123456789abcdef',
      apiSecret: 'api-secret-for-unit-tests',
      authToken,
      publicUrl,
      replayWindowSeconds: 10,
    });
    const webhook = formWebhook({ ...params, Timestamp: new Date(now.getTime() - 11_000).toISOString() });
    await expect(strict.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(StaleWebhookError);
  });

  it('signed but malformed: no event, no room, no identity, a Timestamp or duration that is not one', async () => {
    const { StatusCallbackEvent: _event, ...noEvent } = params;
    const { RoomSid: _room, ...noRoom } = params;
    const { ParticipantIdentity: _identity, ...noIdentity } = params;
    for (const bad of [
      noEvent,
      noRoom,
      noIdentity,
      { ...params, Timestamp: 'yesterday' },
      callback({ StatusCallbackEvent: 'room-ended', RoomDuration: 'long' }),
    ]) {
      await expect(adapter.verifyWebhook(formWebhook(bad), now)).rejects.toBeInstanceOf(
        MalformedWebhookError,
      );
    }
  });

  it('signed JSON that is not an object', async () => {
    const body = '[1,2]';
    const url = `${callbackUrl}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const webhook: InboundWebhook = {
      rawBody: Buffer.from(body),
      contentType: 'application/json',
      headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, {}) },
      publicUrl: url,
    };
    await expect(adapter.verifyWebhook(webhook, now)).rejects.toBeInstanceOf(MalformedWebhookError);
  });
});

describe('Twilio access tokens', () => {
  it('carry the identity and a video grant for the room, and report the expiry the token states', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await adapter.accessToken({ identity: 'alice', roomId: roomSid, ttlSeconds: 600 });
    const payload = JSON.parse(Buffer.from(issued.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(issued.identity).toBe('alice');
    expect(payload.grants).toEqual({ identity: 'alice', video: { room: roomSid } });
    expect(payload.exp).toBe(issued.expiresAt);
    expect(issued.expiresAt).toBeGreaterThanOrEqual(before + 600);
    expect(issued.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
  });
});
