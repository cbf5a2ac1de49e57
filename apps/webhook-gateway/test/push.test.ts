import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PushNotificationPayload, PushSubscriptionRecord, VideoInvite } from '@parley/protocol';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch, OutboundTargets } from '@parley/service-kit';
import { WebPushSender } from '../src/push/web-push-sender.js';
import { WebPushReceiver } from './support-video/web-push-receiver.js';
import { eventually, GatewayWorld, type User } from './support/gateway-world.js';

/** The test's push service listens on loopback, which pushes may not reach unless listed. */
const loopbackAllowed = createOutboundFetch(new OutboundTargets(['127.0.0.1']));

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
    const sender = new WebPushSender({ ...keys, subject: 'mailto:ops@parley.test' }, 60, loopbackAllowed);
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
    const sender = new WebPushSender({ ...keys, subject: 'mailto:ops@parley.test' }, 60, loopbackAllowed);
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
    expect(await sender.send({ endpoint: broken.json.endpoint, ...broken.json.keys }, payload)).toMatchObject(
      {
        kind: 'failed',
      },
    );
  });

  it('does not reach a push service on an internal address that is not listed', async () => {
    const keys = webpush.generateVAPIDKeys();
    const refusing = createOutboundFetch(new OutboundTargets());
    const sender = new WebPushSender({ ...keys, subject: 'mailto:ops@parley.test' }, 60, refusing);
    const subscription = receiver.subscribe();
    const payload = {
      type: 'video.missed' as const,
      title: 't',
      body: 'b',
      conversationId: randomUUID(),
      inviteId: randomUUID(),
    };
    const outcome = await sender.send(
      { endpoint: subscription.json.endpoint, ...subscription.json.keys },
      payload,
    );
    expect(outcome).toEqual({
      kind: 'failed',
      error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback/),
    });
    expect(receiver.receivedBy(subscription)).toEqual([]);
  });
});

describe('push subscriptions and missed-call pushes', () => {
  const world = new GatewayWorld('push');
  let pushService: WebPushReceiver;
  let ada: User;
  let bob: User;
  let keyFile: string;

  beforeAll(async () => {
    keyFile = world.gatewayNs.tempFile('vapid.json');
    pushService = await WebPushReceiver.start();
    await world.startMessaging();
    // One try and a short window: each invite here is missed quickly.
    await world.startGateway({
      VIDEO_INVITE_TRIES: '1',
      VIDEO_INVITE_WINDOW_MS: '600',
      VAPID_KEY_FILE: keyFile,
    });
    ada = await world.signUp('ada');
    bob = await world.signUp('bob');
  });

  afterAll(async () => {
    await world.stop();
    await pushService.close();
  });

  const subscriptionsOf = async (user: User): Promise<PushSubscriptionRecord[]> => {
    const res = await world.api('GET', '/v1/push/subscriptions', user.token);
    expect(res.status).toBe(200);
    return PushSubscriptionRecord.array().parse(res.body.subscriptions);
  };

  it('publishes the VAPID public key it generated and kept, without a token', async () => {
    const res = await world.api('GET', '/v1/push/vapid-public-key');
    expect(res.status).toBe(200);
    const kept = JSON.parse(await readFile(keyFile, 'utf8')) as { publicKey: string };
    expect(res.body).toEqual({ publicKey: kept.publicKey });
    expect(Buffer.from(kept.publicKey, 'base64url')).toHaveLength(65);
  });

  it('registers a browser once per user and endpoint, lists and deletes only one’s own', async () => {
    const browser = pushService.subscribe();
    const first = await world.api('POST', '/v1/push/subscriptions', bob.token, browser.json);
    expect(first.status).toBe(201);
    const record = PushSubscriptionRecord.parse(first.body);
    expect(record.endpoint).toBe(browser.json.endpoint);
    const again = await world.api('POST', '/v1/push/subscriptions', bob.token, {
      ...browser.json,
      expirationTime: null,
    });
    expect(again).toEqual({ status: 201, body: first.body });
    expect(await subscriptionsOf(bob)).toEqual([record]);

    expect((await world.api('DELETE', `/v1/push/subscriptions/${record.id}`, ada.token)).status).toBe(404);
    expect(await subscriptionsOf(bob)).toHaveLength(1);
    expect((await world.api('DELETE', `/v1/push/subscriptions/${record.id}`, bob.token)).status).toBe(204);
    expect((await world.api('DELETE', `/v1/push/subscriptions/${record.id}`, bob.token)).status).toBe(404);
    expect(await subscriptionsOf(bob)).toEqual([]);
  });

  it('moves a browser to whoever subscribed it last', async () => {
    const shared = pushService.subscribe();
    await world.api('POST', '/v1/push/subscriptions', ada.token, shared.json);
    await world.api('POST', '/v1/push/subscriptions', bob.token, shared.json);
    expect(await subscriptionsOf(ada)).toEqual([]);
    const [bobs] = await subscriptionsOf(bob);
    expect(bobs?.endpoint).toBe(shared.json.endpoint);
    await world.api('DELETE', `/v1/push/subscriptions/${bobs!.id}`, bob.token);
  });

  it('refuses bad subscriptions and strangers (400, 401)', async () => {
    const good = pushService.subscribe().json;
    const cases: Array<[string | undefined, unknown, number]> = [
      [undefined, good, 401],
      ['not-a-token', good, 401],
      [bob.token, { ...good, endpoint: 'ftp://push.example/x' }, 400],
      [bob.token, { ...good, endpoint: 'not a url' }, 400],
      [bob.token, { endpoint: good.endpoint }, 400],
      [bob.token, { ...good, keys: { p256dh: good.keys.p256dh } }, 400],
      [bob.token, { ...good, keys: { ...good.keys, auth: 'x'.repeat(65) } }, 400],
      [bob.token, { ...good, extra: 1 }, 400],
      [bob.token, 'not json', 400],
      // A push service on an internal address that is not listed.
      [bob.token, { ...good, endpoint: 'https://169.254.169.254/latest/meta-data/' }, 400],
      [bob.token, { ...good, endpoint: 'https://10.0.0.3/push/x' }, 400],
    ];
    for (const [token, body, status] of cases) {
      const res = await world.api('POST', '/v1/push/subscriptions', token, body);
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(status);
    }
    expect((await world.api('GET', '/v1/push/subscriptions')).status).toBe(401);
    expect((await world.api('DELETE', `/v1/push/subscriptions/${randomUUID()}`)).status).toBe(401);
    expect((await world.api('DELETE', '/v1/push/subscriptions/nope', bob.token)).status).toBe(400);
    expect(await subscriptionsOf(bob)).toEqual([]);
  });

  it('a missed call pushes every browser once: 410 deletes the subscription, a 500 is retried', async () => {
    const laptop = pushService.subscribe();
    const phone = pushService.subscribe();
    const oldTablet = pushService.subscribe();
    for (const browser of [laptop, phone, oldTablet])
      expect((await world.api('POST', '/v1/push/subscriptions', bob.token, browser.json)).status).toBe(201);
    pushService.answer(oldTablet, 410);
    pushService.answer(phone, 500);

    const conversationId = await world.conversation(ada, [bob]);
    const res = await world.api('POST', '/v1/video/calls', ada.token, { conversationId, calleeId: bob.id });
    expect(res.status).toBe(201);
    const invite = VideoInvite.parse(res.body);

    // The phone's push service fails once, then recovers: the job's retry reaches it.
    await eventually(() => pushService.hits(phone) >= 1, 'the phone’s first (failed) push');
    pushService.answer(phone, 201);
    await eventually(() => pushService.receivedBy(phone).length === 1, 'the phone’s push on retry');

    expect(pushService.rejected).toEqual([]);
    expect(pushService.receivedBy(laptop)).toHaveLength(1);
    expect(pushService.hits(oldTablet)).toBe(1);
    for (const push of [...pushService.receivedBy(laptop), ...pushService.receivedBy(phone)]) {
      expect(PushNotificationPayload.parse(JSON.parse(push.plaintext))).toMatchObject({
        type: 'video.missed',
        inviteId: invite.id,
        conversationId,
      });
    }
    expect((await subscriptionsOf(bob)).map((s) => s.endpoint).sort()).toEqual(
      [laptop.json.endpoint, phone.json.endpoint].sort(),
    );
    const after = await world.api('GET', `/v1/video/calls/${invite.id}`, bob.token);
    expect(after.body).toMatchObject({ status: 'missed', tries: 1 });
    // The retry notified only the browser that had failed.
    expect(pushService.receivedBy(laptop)).toHaveLength(1);
  });
});
