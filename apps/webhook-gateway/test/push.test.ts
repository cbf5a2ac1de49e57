import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebPushSender } from '../src/push/web-push-sender.js';
import { WebPushReceiver } from './support-video/web-push-receiver.js';

describe('Web Push sending', () => {
  let receiver: WebPushReceiver;
  beforeAll(async () => {
    receiver = await WebPushReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('encrypts for the subscription and signs with the VAPID key', async () => {
    const keys = webpush.generateVAPIDKeys();
    const sender = new WebPushSender({ ...keys, subject: 'mailto:ops@parley.test' }, 60);
    const subscription = receiver.subscribe();
    const payload = {
      type: 'video.missed' as const,
      title: 'Missed video call',
      body: 'Ada tried to video call you',
      conversationId: randomUUID(),
      inviteId: randomUUID(),
    };
    const outcome = await sender.send(
      { endpoint: subscription.json.endpoint, ...subscription.json.keys },
      payload,
    );
    expect(outcome).toEqual({ kind: 'accepted', status: 201 });
    expect(receiver.rejected).toEqual([]);
    const [push] = receiver.receivedBy(subscription);
    expect(JSON.parse(push!.plaintext)).toEqual(payload);
    expect(push!.vapidPublicKey).toBe(keys.publicKey);
    expect(push!.claims.aud).toBe(receiver.origin);
    expect(push!.claims.sub).toBe('mailto:ops@parley.test');
    expect(push!.claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(push!.headers.ttl).toBe('60');
  });

  it('calls a 410 subscription gone and a 500 a failure worth retrying', async () => {
    const keys = webpush.generateVAPIDKeys();
    const sender = new WebPushSender({ ...keys, subject: 'mailto:ops@parley.test' }, 60);
    const gone = receiver.subscribe();
    const broken = receiver.subscribe();
    receiver.answer(gone, 410);
    receiver.answer(broken, 500);
    const payload = {
      type: 'video.missed' as const,
      title: 't',
      body: 'b',
      conversationId: randomUUID(),
      inviteId: randomUUID(),
    };
    expect(await sender.send({ endpoint: gone.json.endpoint, ...gone.json.keys }, payload)).toEqual({
      kind: 'gone',
      status: 410,
    });
    expect(await sender.send({ endpoint: broken.json.endpoint, ...broken.json.keys }, payload)).toMatchObject({
      kind: 'failed',
    });
  });
});
