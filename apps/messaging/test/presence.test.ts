import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame, UserPresence } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;

function presenceOf(userId: string, status: UserPresence['status']) {
  return (f: ServerFrame): f is PresenceFrame =>
    f.type === 'presence' && f.userId === userId && f.status === status;
}

const devices: TestDevice[] = [];
async function connect(baseUrl: string, user: TestUser): Promise<TestDevice> {
  const device = await TestDevice.connect(baseUrl, user.token);
  devices.push(device);
  return device;
}

describe('presence on one node', () => {
  let svc: MessagingUnderTest;
  let ann: TestUser, ben: TestUser, eve: TestUser;

  beforeAll(async () => {
    svc = await startMessagingUnderTest('presence', { WS_PING_INTERVAL_MS: '200' });
    [ann, ben, eve] = await Promise.all([
      svc.api.newUser('ann'),
      svc.api.newUser('ben'),
      svc.api.newUser('eve'),
    ]);
    await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] });
    // Eve only shares a public channel with Ann: that does not reveal presence.
    const channel = await svc.api.post('/v1/conversations', ann.token, { type: 'channel', title: 'lobby' });
    await svc.api.post(`/v1/conversations/${channel.body.id}/join`, eve.token);
  });
  afterAll(async () => {
    devices.forEach((d) => d.close());
    await svc?.stop();
  });

  it('goes online, away, online and offline with "last seen" as the other user’s device changes', async () => {
    const benDevice = await connect(svc.url, ben);
    const annLaptop = await connect(svc.url, ann);
    await benDevice.waitFor(presenceOf(ann.id, 'online'));

    const read = await svc.api.get(`/v1/presence?userIds=${ann.id}`, ben.token);
    expect(read.status).toBe(200);
    expect(read.body.presence).toEqual([
      { userId: ann.id, status: 'online', lastSeenAt: expect.any(String) },
    ]);

    annLaptop.send({ type: 'presence', state: 'away' });
    const away = await benDevice.waitFor(presenceOf(ann.id, 'away'));
    annLaptop.send({ type: 'presence', state: 'active' });
    const afterAway = (f: ServerFrame) => benDevice.frames.indexOf(f) > benDevice.frames.indexOf(away);
    await benDevice.waitFor((f) => presenceOf(ann.id, 'online')(f) && afterAway(f));

    const before = Date.now();
    annLaptop.close();
    const offline = await benDevice.waitFor(presenceOf(ann.id, 'offline'));
    expect(offline.lastSeenAt).not.toBeNull();
    expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(before - 1000);
    const after = await svc.api.get(`/v1/presence?userIds=${ann.id}`, ben.token);
    expect(after.body.presence[0]).toMatchObject({ status: 'offline', lastSeenAt: offline.lastSeenAt });
  });

  it('stays online while another device is in use, and is away only when every device is away', async () => {
    const benDevice = await connect(svc.url, ben);
    const phone = await connect(svc.url, ann);
    const laptop = await connect(svc.url, ann);
    await benDevice.waitFor(presenceOf(ann.id, 'online'));
    phone.send({ type: 'presence', state: 'away' });
    laptop.close();
    await laptop.waitForClose();
    await benDevice.waitFor(presenceOf(ann.id, 'away'));
    phone.close();
    await benDevice.waitFor(presenceOf(ann.id, 'offline'));
    const statuses = benDevice.frames
      .filter((f): f is PresenceFrame => f.type === 'presence')
      .map((f) => f.status);
    expect(statuses).toEqual(['online', 'away', 'offline']);
  });

  it('tells nobody who shares no direct or group conversation, and answers them nothing', async () => {
    const eveDevice = await connect(svc.url, eve);
    const benDevice = await connect(svc.url, ben);
    const annDevice = await connect(svc.url, ann);
    await benDevice.waitFor(presenceOf(ann.id, 'online'));
    annDevice.close();
    await benDevice.waitFor(presenceOf(ann.id, 'offline'));
    // Eve's device has been connected all along; a pong proves her socket is served and saw nothing.
    eveDevice.send({ type: 'ping', ref: 'marker' });
    await eveDevice.waitFor((f) => f.type === 'pong');
    expect(eveDevice.frames.filter((f) => f.type === 'presence')).toEqual([]);
    const read = await svc.api.get(`/v1/presence?userIds=${ann.id},${eve.id}`, eve.token);
    expect(read.status).toBe(200);
    expect(read.body.presence).toEqual([
      { userId: eve.id, status: 'online', lastSeenAt: expect.any(String) },
    ]);
  });

  it('refuses a device state it does not know, and keeps the socket open', async () => {
    const device = await connect(svc.url, ann);
    device.send({ type: 'presence', state: 'asleep' });
    const error = await device.waitFor((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'invalid_request' });
    device.send({ type: 'ping', ref: 'still-open' });
    await device.waitFor((f) => f.type === 'pong');
    device.close();
  });

  it.each([
    ['no userIds', ''],
    ['an empty list', 'userIds='],
    ['a value that is not a uuid', 'userIds=ann'],
    ['a NUL character', 'userIds=%00'],
    ['more than 100 users', `userIds=${Array.from({ length: 101 }, () => crypto.randomUUID()).join(',')}`],
  ])('answers 400 to %s', async (_name, query) => {
    const res = await svc.api.get(`/v1/presence?${query}`, ben.token);
    expect(res.status).toBe(400);
  });
});
