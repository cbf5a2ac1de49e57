// Frames a device sends over /v1/realtime while Redis is down (a Redis of the test's own, never the
// machine's shared one): they answer the retryable `realtime_unavailable` of the HTTP side, not
// `internal`, the socket stays open, and the same frame goes through once Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencyStatus, eventually, startPrivateRedis, type PrivateRedis } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

let redis: PrivateRedis;
let svc: MessagingUnderTest;
let ann: TestUser;
let ben: TestUser;
const devices: TestDevice[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  svc = await startMessagingUnderTest('realtime_redis_down', { REDIS_URL: redis.url });
  [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
}, 60_000);

afterAll(async () => {
  devices.forEach((d) => d.close());
  await svc?.stop();
  await redis?.cleanup();
});

async function connect(user: TestUser): Promise<TestDevice> {
  const device = await TestDevice.connect(svc.url, user.token);
  devices.push(device);
  return device;
}

describe('realtime frames while Redis is down', () => {
  it('answer realtime_unavailable on an open socket, and go through again once Redis is back', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id],
    });
    expect(conv.status).toBe(201);
    const conversationId = conv.body.id as string;
    const annDevice = await connect(ann);
    const benDevice = await connect(ben);

    await redis.kill();
    await eventually(
      async () => ((await dependencyStatus(svc.url, 'redis')) === 'down' ? true : undefined),
      'Redis seen down',
      30_000,
    );

    annDevice.send({ type: 'typing', conversationId, active: true });
    const error = await annDevice.waitFor((f) => f.type === 'error');
    expect(error).toEqual({
      type: 'error',
      code: 'realtime_unavailable',
      message: 'live delivery is unavailable; try again shortly',
    });
    // The socket is still served: only that frame failed.
    annDevice.send({ type: 'ping', ref: 'after-outage-error' });
    await annDevice.waitFor((f) => f.type === 'pong' && f.ref === 'after-outage-error');
    expect(annDevice.closeCode).toBeUndefined();
    // The same answer as the HTTP side gives for the same signal.
    const rest = await svc.api.post(`/v1/conversations/${conversationId}/typing`, ann.token, {
      active: true,
    });
    expect(rest.status).toBe(503);
    expect(rest.body).toMatchObject({ code: 'realtime_unavailable' });
    expect(rest.headers.get('retry-after')).toBe('2');
    expect(benDevice.frames.some((f) => f.type === 'typing')).toBe(false);

    // Retryable: once Redis is back (and the node subscribed again), the same frame reaches Ben.
    await redis.start();
    await eventually(
      async () => ((await dependencyStatus(svc.url, 'redis')) === 'up' ? true : undefined),
      'Redis seen up',
      30_000,
    );
    await eventually(
      () => {
        annDevice.send({ type: 'typing', conversationId, active: true });
        return benDevice.frames.find((f) => f.type === 'typing');
      },
      'typing delivered after the restart',
      30_000,
    );
    expect(benDevice.frames.find((f) => f.type === 'typing')).toEqual({
      type: 'typing',
      conversationId,
      userId: ann.id,
      active: true,
    });
  }, 120_000);
});
