import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCodes } from '@parley/protocol';
import { eventually } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser;
const devices: TestDevice[] = [];

async function connect(user: TestUser, token = user.token): Promise<TestDevice> {
  const d = await TestDevice.connect(svc.url, token);
  devices.push(d);
  return d;
}

const text = (body: string) => ({
  clientMessageId: `r-${Math.random().toString(36).slice(2)}`,
  parts: [{ mimeType: 'text/plain', body }],
});

beforeAll(async () => {
  svc = await startMessagingUnderTest('realtime');
  [ann, ben, cat] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
  ]);
});
afterAll(async () => {
  devices.forEach((d) => d.close());
  await svc?.stop();
});

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.on('error', () => undefined);
  });
}

describe('device WebSocket', () => {
  it('refuses an upgrade without a valid token with 401', async () => {
    const base = svc.url.replace('http', 'ws');
    expect(await upgradeStatus(`${base}/v1/realtime`)).toBe(401);
    expect(await upgradeStatus(`${base}/v1/realtime?access_token=forged.token.here`)).toBe(401);
    expect(await upgradeStatus(`${base}/v1/elsewhere?access_token=${ann.token}`)).toBe(404);
  });

  it('delivers each committed event to every device of every participant, sender included', async () => {
    const [annPhone, annLaptop, benPhone, catPhone] = [
      await connect(ann),
      await connect(ann),
      await connect(ben),
      await connect(cat),
    ];
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const sent = await svc.api.post(
      `/v1/conversations/${conv.body.id}/messages`,
      ben.token,
      text('hello all'),
    );
    for (const d of [annPhone, annLaptop, benPhone]) {
      const msg = await d.waitFor(
        (f) =>
          f.type === 'event' && f.event.type === 'message.sent' && f.event.conversationId === conv.body.id,
      );
      expect(msg).toMatchObject({ event: { seq: 2, payload: { message: { id: sent.body.id } } } });
      expect(
        d
          .events()
          .filter((e) => e.conversationId === conv.body.id)
          .map((e) => e.seq),
      ).toEqual([1, 2]);
    }
    // Not a participant: sees nothing of it. A conversation with cat created afterwards travels the same
    // channel to cat's device, so once it is there anything of the group would have been too.
    const marker = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [cat.id],
    });
    await catPhone.waitForEvent((e) => e.conversationId === marker.body.id);
    expect(catPhone.events().some((e) => e.conversationId === conv.body.id)).toBe(false);
  });

  it('tells a removed participant, then stops sending them the conversation', async () => {
    const benDevice = await connect(ben);
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    await svc.api.delete(`/v1/conversations/${conv.body.id}/participants/${ben.id}`, ann.token);
    await benDevice.waitFor(
      (f) =>
        f.type === 'event' &&
        f.event.type === 'participants.removed' &&
        f.event.conversationId === conv.body.id,
    );
    await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, text('after removal'));
    const marker = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id],
    });
    await benDevice.waitForEvent((e) => e.conversationId === marker.body.id);
    expect(
      benDevice.events().some((e) => e.conversationId === conv.body.id && e.type === 'message.sent'),
    ).toBe(false);
  });

  it('passes typing to the other participants only, without a seq', async () => {
    const annDevice = await connect(ann);
    const benDevice = await connect(ben);
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id],
    });
    annDevice.send({ type: 'typing', conversationId: conv.body.id, active: true });
    const typing = await benDevice.waitFor((f) => f.type === 'typing');
    expect(typing).toEqual({ type: 'typing', conversationId: conv.body.id, userId: ann.id, active: true });
    const after = await svc.api.get(`/v1/conversations/${conv.body.id}`, ann.token);
    expect(after.body.lastSeq).toBe(1);
    // Ben typing back reaches ann's device on the channel her own signal would have used.
    benDevice.send({ type: 'typing', conversationId: conv.body.id, active: true });
    await annDevice.waitFor((f) => f.type === 'typing' && f.userId === ben.id);
    expect(annDevice.frames.some((f) => f.type === 'typing' && f.userId === ann.id)).toBe(false);
  });

  it('answers pings and reports invalid frames without closing the socket', async () => {
    const d = await connect(ann);
    d.send({ type: 'ping', ref: 'p1' });
    expect(await d.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong', ref: 'p1' });
    d.send('{not json');
    expect(await d.waitFor((f) => f.type === 'error' && f.code === 'invalid_json')).toBeTruthy();
    d.send({ type: 'launch-missiles' });
    const invalid = await d.waitFor((f) => f.type === 'error' && f.code === 'invalid_request');
    expect(invalid).toMatchObject({ message: expect.stringContaining('frame.type') });
    d.send({ type: 'typing', conversationId: 'nope' });
    expect(
      await d.waitFor((f) => f.type === 'error' && f.message.includes('frame.conversationId')),
    ).toBeTruthy();
    d.send({ type: 'typing', conversationId: '00000000-0000-4000-8000-000000000000' });
    expect(await d.waitFor((f) => f.type === 'error' && f.code === 'not_found')).toBeTruthy();
    d.send({ type: 'ping', ref: 'still-open' });
    expect(await d.waitFor((f) => f.type === 'pong' && f.ref === 'still-open')).toBeTruthy();
  });

  it('closes a socket whose frame is over the size limit with 1009', async () => {
    const d = await connect(ann);
    d.send({ type: 'ping', ref: 'x'.repeat(70 * 1024) });
    expect(await d.waitForClose()).toBe(CloseCodes.tooLarge);
  });

  it('closes the socket with 4001 when the access token expires', async () => {
    const short = await svc.running.infra.issuer.issueAccessToken({
      subject: ann.id,
      kind: 'user',
      scopes: ['messages.read'],
      // Long enough to connect on a loaded machine: the upgrade itself refuses an expired token.
      ttlSeconds: 3,
    });
    const d = await connect(ann, short.accessToken);
    expect(await d.waitForClose(15_000)).toBe(CloseCodes.tokenExpired);
  });

  it('keeps the socket open when the device sends a fresh token in time', async () => {
    const short = await svc.running.infra.issuer.issueAccessToken({
      subject: ann.id,
      kind: 'user',
      scopes: ['messages.read'],
      ttlSeconds: 3,
    });
    const d = await connect(ann, short.accessToken);
    d.send({ type: 'authenticate', accessToken: ann.token });
    expect(await d.waitFor((f) => f.type === 'authenticated')).toMatchObject({
      tokenExpiresAt: expect.any(Number),
    });
    // Past the first token's expiry, the socket still answers.
    await eventually(() => Date.now() > short.expiresAt * 1000, 'the first token to expire');
    d.send({ type: 'ping', ref: 'after-expiry' });
    await d.waitFor((f) => f.type === 'pong' && f.ref === 'after-expiry');
    expect(d.closeCode).toBeUndefined();
  });

  it('refuses a fresh token of another user', async () => {
    const d = await connect(ann);
    d.send({ type: 'authenticate', accessToken: ben.token });
    expect(await d.waitForClose()).toBe(CloseCodes.policyViolation);
  });
});
