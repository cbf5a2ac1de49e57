import { randomUUID } from 'node:crypto';
import { PushNotificationPayload, VideoInvite } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalleeDevice } from './support-video/callee-device.js';
import { WebPushReceiver } from './support-video/web-push-receiver.js';
import { planRings } from '../src/video/invite-rules.js';
import { ADMIN_CLIENT, eventually, GatewayWorld, type User } from './support/gateway-world.js';

// A short window keeps each invite's life within a test.
const TRIES = 3;
const WINDOW_MS = 4000;

describe('video invites', () => {
  const world = new GatewayWorld('video');
  let pushService: WebPushReceiver;
  let ada: User;
  let bob: User;
  let conversationId: string;

  beforeAll(async () => {
    pushService = await WebPushReceiver.start();
    await world.startMessaging();
    await world.startProbe();
    await world.startGateway({
      VIDEO_INVITE_TRIES: String(TRIES),
      VIDEO_INVITE_WINDOW_MS: String(WINDOW_MS),
      VAPID_KEY_FILE: world.gatewayNs.tempFile('vapid.json'),
      VAPID_SUBJECT: 'mailto:ops@parley.test',
    });
    ada = await world.signUp('ada');
    bob = await world.signUp('bob');
    conversationId = await world.conversation(ada, [bob]);
  });

  afterAll(async () => {
    await world.stop();
    await pushService.close();
  });

  async function invite(caller: User, calleeId: string, cid = conversationId): Promise<VideoInvite> {
    const res = await world.api('POST', '/v1/video/calls', caller.token, { conversationId: cid, calleeId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return VideoInvite.parse(res.body);
  }

  async function inviteNow(caller: User, inviteId: string): Promise<VideoInvite> {
    const res = await world.api('GET', `/v1/video/calls/${inviteId}`, caller.token);
    expect(res.status).toBe(200);
    return VideoInvite.parse(res.body);
  }

  it('rings a callee with no device 3 times within the window, then the call is missed and pushed', async () => {
    const subscription = pushService.subscribe();
    const subscribed = await world.api('POST', '/v1/push/subscriptions', bob.token, subscription.json);
    expect(subscribed.status).toBe(201);
    const vapid = await world.api('GET', '/v1/push/vapid-public-key');

    const started = await invite(ada, bob.id);
    expect(started).toMatchObject({ status: 'inviting', maxTries: TRIES, callerId: ada.id, windowSeconds: 4 });
    expect(started.tries).toBeGreaterThanOrEqual(1);
    expect(started.call.status).toBe('ringing');
    expect(started.call.conversationId).toBe(conversationId);

    // Every try found no device ("not available"): ignored, rung again, until the window closed.
    const missed = await eventually(async () => {
      const now = await inviteNow(ada, started.id);
      return now.status === 'missed' && now;
    }, 'the invite to be missed', 15_000);
    expect(missed.tries).toBe(TRIES);
    expect(missed.lastError).toBeNull();
    await eventually(async () => (await inviteNow(ada, started.id)).call.status === 'missed', 'call missed');
    expect(Date.parse(missed.endedAt!) - Date.parse(missed.createdAt)).toBeGreaterThanOrEqual(WINDOW_MS - 50);

    // The call's status went ringing → missed on the bus, and messaging edited its voip-link message.
    const statuses = await eventually(() => {
      const s = world.callUpdates(started.call.id).map((e) => e.payload.voipLink.status);
      return s.includes('missed') && s;
    }, 'the missed call update');
    expect(statuses).toContain('ringing');
    await eventually(async () => {
      const links = await world.voipLinks(bob, conversationId);
      return links.some((l) => l.gatewayCallId === started.call.id && l.status === 'missed');
    }, 'the voip-link message to say missed');

    // The push: signed with the gateway's VAPID key, encrypted for Bob's browser.
    const [push] = await eventually(() => {
      const got = pushService.receivedBy(subscription);
      return got.length > 0 && got;
    }, 'a push to Bob’s browser');
    expect(pushService.rejected).toEqual([]);
    expect(push!.vapidPublicKey).toBe(vapid.body.publicKey);
    expect(push!.claims).toMatchObject({ aud: pushService.origin, sub: 'mailto:ops@parley.test' });
    expect(PushNotificationPayload.parse(JSON.parse(push!.plaintext))).toMatchObject({
      type: 'video.missed',
      conversationId,
      inviteId: started.id,
    });
    expect(pushService.receivedBy(subscription)).toHaveLength(1);

    await world.api('DELETE', `/v1/push/subscriptions/${subscribed.body.id}`, bob.token);
  });

  it('rings the callee’s connected device, and answering stops the tries', async () => {
    const device = await CalleeDevice.open(world.messagingUrl, bob.token);
    try {
      const started = await invite(ada, bob.id);
      const [first] = await eventually(() => {
        const got = device.invitesOf(started.id);
        return got.length > 0 && got;
      }, 'the first try on Bob’s device');
      expect(first!).toMatchObject({ kind: 'start', iss: 'webhook-gateway', cid: conversationId, to: bob.id });
      expect(first!.data).toEqual({
        video_invite: started.id,
        call_id: started.call.id,
        room: started.call.roomId,
        provider: started.call.provider,
        caller_id: ada.id,
      });

      const answered = await world.api('POST', `/v1/video/calls/${started.id}/answer`, bob.token);
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ status: 'answered' });
      const triesWhenAnswered = device.invitesOf(started.id).length;

      // Past the window: no further try arrived, and the invite was never missed.
      await eventually(async () => {
        const { rows } = await world.gateway.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM video_invites WHERE id = $1 AND now() - created_at > make_interval(secs => $2)`,
          [started.id, (WINDOW_MS + 500) / 1000],
        );
        return rows[0]?.n === '1';
      }, 'the window to pass', 10_000);
      expect(device.invitesOf(started.id)).toHaveLength(triesWhenAnswered);
      // Its other devices were told to stop ringing.
      const stops = device.signals.filter((s) => s.kind === 'stop' && s.call_id === started.id);
      expect(stops.map((s) => s.data)).toEqual([{ video_invite: started.id, status: 'answered' }]);
      const after = await inviteNow(ada, started.id);
      expect(after.status).toBe('answered');
      expect(after.call.status).toBe('ringing');

      // Once over, an invite answers 409.
      expect((await world.api('POST', `/v1/video/calls/${started.id}/decline`, bob.token)).status).toBe(409);
    } finally {
      device.close();
    }
  });

  it('the callee joining the call through the provider answers the invite at once, before its next try', async () => {
    const started = await invite(ada, bob.id);
    expect(started.tries).toBe(1);
    const joined = await world.api('POST', `/v1/calls/${started.call.id}/join`, bob.token);
    expect(joined.status).toBe(200);
    const answered = await eventually(async () => {
      const now = await inviteNow(ada, started.id);
      return now.status === 'answered' && now;
    }, 'the join to answer the invite');
    // Answered when the join was applied, not noticed by the second try (due a gap after the first).
    const [, secondTryDueMs] = planRings(TRIES, WINDOW_MS).tryDelaysMs;
    expect(Date.parse(answered.endedAt!) - Date.parse(answered.createdAt)).toBeLessThan(secondTryDueMs!);
    expect(answered.tries).toBe(1);
    expect(answered.call.status).toBe('started');
    expect(answered.call.participants).toContain(bob.id);
  });

  it('a declined invite stops ringing and its call is over', async () => {
    const started = await invite(ada, bob.id);
    const declined = await world.api('POST', `/v1/video/calls/${started.id}/decline`, bob.token);
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined' });
    await eventually(async () => (await inviteNow(ada, started.id)).call.status === 'missed', 'call missed');
  });

  it('the caller cancels a ringing invite; only the caller may, and only while it rings', async () => {
    const started = await invite(ada, bob.id);
    expect((await world.api('POST', `/v1/video/calls/${started.id}/cancel`, bob.token)).status).toBe(403);
    const cancelled = await world.api('POST', `/v1/video/calls/${started.id}/cancel`, ada.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await world.api('POST', `/v1/video/calls/${started.id}/cancel`, ada.token)).status).toBe(409);
    expect((await world.api('POST', `/v1/video/calls/${started.id}/answer`, bob.token)).status).toBe(409);
    await eventually(async () => (await inviteNow(ada, started.id)).call.status === 'missed', 'call over');
  });

  it('answer, decline and reading are the callee’s and caller’s only (403, 404, 400, 401)', async () => {
    const eve = await world.signUp('eve');
    const started = await invite(ada, bob.id);
    expect((await world.api('POST', `/v1/video/calls/${started.id}/answer`, ada.token)).status).toBe(403);
    expect((await world.api('POST', `/v1/video/calls/${started.id}/answer`, eve.token)).status).toBe(404);
    expect((await world.api('GET', `/v1/video/calls/${started.id}`, eve.token)).status).toBe(404);
    expect((await world.api('GET', `/v1/video/calls/${started.id}`, bob.token)).status).toBe(200);
    expect((await world.api('GET', `/v1/video/calls/${randomUUID()}`, ada.token)).status).toBe(404);
    expect((await world.api('GET', '/v1/video/calls/not-a-uuid', ada.token)).status).toBe(400);
    expect((await world.api('POST', `/v1/video/calls/${started.id}/answer`)).status).toBe(401);
    await world.api('POST', `/v1/video/calls/${started.id}/decline`, bob.token);
  });

  it('refuses invites outside the conversation (404, 403) and bad bodies (400, 401)', async () => {
    const eve = await world.signUp('eve');
    const evesOwn = await world.conversation(eve);
    const cases: Array<[User | undefined, unknown, number]> = [
      [undefined, { conversationId, calleeId: bob.id }, 401],
      [ada, { conversationId, calleeId: eve.id }, 403],
      [eve, { conversationId, calleeId: bob.id }, 404],
      [ada, { conversationId: evesOwn, calleeId: eve.id }, 404],
      [ada, { conversationId: randomUUID(), calleeId: bob.id }, 404],
      [ada, { conversationId, calleeId: ada.id }, 400],
      [ada, { conversationId, calleeId: 'bob' }, 400],
      [ada, { conversationId, calleeId: bob.id, extra: true }, 400],
      [ada, { conversationId, calleeId: bob.id, provider: 'nope' }, 404],
      [ada, 'not json', 400],
    ];
    for (const [caller, body, status] of cases) {
      const res = await world.api('POST', '/v1/video/calls', caller?.token, body);
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(status);
    }
  });

  it('gives a token for the caller’s own identity and identities of known users only', async () => {
    const token = await world.api('POST', '/v1/video/token', ada.token, {});
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ provider: 'parley', identity: ada.id });
    expect(token.body.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect((await world.api('POST', '/v1/video/token', ada.token, { provider: 'nope' })).status).toBe(404);
    expect((await world.api('POST', '/v1/video/token', ada.token, { identity: bob.id })).status).toBe(400);
    expect((await world.api('POST', '/v1/video/token', undefined, {})).status).toBe(401);

    const identity = await world.api('GET', `/v1/video/identity/${bob.id}`, ada.token);
    expect(identity).toEqual({ status: 200, body: { userId: bob.id, identity: bob.id } });
    expect((await world.api('GET', `/v1/video/identity/${randomUUID()}`, ada.token)).status).toBe(404);
    expect((await world.api('GET', '/v1/video/identity/nobody', ada.token)).status).toBe(400);
    expect((await world.api('GET', `/v1/video/identity/${bob.id}`)).status).toBe(401);
  });

  // Last: it replaces the gateway with one whose messaging client may not send voice signals.
  it('a try messaging refuses stops the invite as failed, with the error, and ends its call', async () => {
    await world.gateway.close();
    await world.startGateway({
      WEBHOOK_GATEWAY_CLIENT_ID: ADMIN_CLIENT.id,
      WEBHOOK_GATEWAY_CLIENT_SECRET: ADMIN_CLIENT.secret,
    });
    const device = await CalleeDevice.open(world.messagingUrl, bob.token);
    try {
      const started = await invite(ada, bob.id);
      expect(started).toMatchObject({ status: 'failed', tries: 1 });
      expect(started.lastError).toMatch(/403/);
      expect(started.endedAt).not.toBeNull();
      await eventually(async () => (await inviteNow(ada, started.id)).call.status === 'missed', 'call over');

      // The window passes without another try or a missed push.
      await eventually(async () => {
        const { rows } = await world.gateway.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM video_invites WHERE id = $1 AND now() - created_at > make_interval(secs => $2)`,
          [started.id, (WINDOW_MS + 500) / 1000],
        );
        return rows[0]?.n === '1';
      }, 'the window to pass', 10_000);
      expect(await inviteNow(ada, started.id)).toMatchObject({ status: 'failed', tries: 1 });
      expect(device.invitesOf(started.id)).toEqual([]);
    } finally {
      device.close();
    }
  });
});
