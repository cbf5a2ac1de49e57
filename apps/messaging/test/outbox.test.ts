import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import { uniqueUsername, type TestUser } from './support/api-client.js';
import { freePort, RedisServerProcess } from './support/processes.js';
import { testRedisUrl } from './support/test-env.js';

const text = (body: string) => ({
  clientMessageId: `o-${Math.random().toString(36).slice(2)}`,
  parts: [{ mimeType: 'text/plain', body }],
});

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('transactional outbox', () => {
  let svc: MessagingUnderTest;
  let bus: EventBus;
  let ann: TestUser, ben: TestUser;
  const received: BusEvent[] = [];

  beforeAll(async () => {
    svc = await startMessagingUnderTest('outbox');
    bus = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    await bus.subscribe('outbox-test', {
      [Topics.messageSent]: async (e: BusEvent) => void received.push(e),
      [Topics.conversationCreated]: async (e: BusEvent) => void received.push(e),
    } as never);
    [ann, ben] = await Promise.all(['ann', 'ben'].map((n) => svc.api.signUp(uniqueUsername(n))));
  });
  afterAll(async () => {
    await bus?.close();
    await svc?.stop();
  });

  it('publishes each committed event to the bus once, with the event id as its id', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    for (let i = 0; i < 3; i++)
      await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, text(`b${i}`));
    await waitUntil(
      () => received.filter((e) => e.topic === Topics.messageSent).length >= 3,
      10_000,
      'bus events',
    );
    const log = await svc.api.get(`/v1/conversations/${conv.body.id}/events?fromSeq=1`, ann.token);
    const logIds = log.body.events.map((e: { id: string }) => e.id);
    expect(received.map((e) => e.id).sort()).toEqual([...logIds].sort());
    expect(received.find((e) => e.topic === Topics.messageSent)?.payload).toMatchObject({
      type: 'message.sent',
      conversationId: conv.body.id,
    });
    // A relay that publishes the same rows again (after a crash between publish and mark) adds nothing.
    await svc.running.infra.db.query(`UPDATE outbox SET published_at = NULL, claimed_until = NULL`);
    await svc.running.outbox.drain();
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(logIds.length);
  });
});

describe('a Redis outage delays side effects and loses none', () => {
  let redis: RedisServerProcess;
  let svc: MessagingUnderTest;
  let bus: EventBus;
  const received: BusEvent[] = [];

  beforeAll(async () => {
    redis = new RedisServerProcess(await freePort());
    await redis.start();
    svc = await startMessagingUnderTest('outage', { REDIS_URL: redis.url });
    bus = new EventBus({ redisUrl: redis.url, prefix: svc.ns.redisPrefix });
    await bus.subscribe('outage-test', {
      [Topics.messageSent]: async (e: BusEvent) => void received.push(e),
    } as never);
  });
  afterAll(async () => {
    await bus?.close();
    await svc?.stop();
    await redis?.stop();
  });

  it('accepts messages while Redis is down and publishes them once it is back', async () => {
    const [ann, ben] = await Promise.all(['ann', 'ben'].map((n) => svc.api.signUp(uniqueUsername(n))));
    const conv = await svc.api.post('/v1/conversations', ann!.token, {
      type: 'group',
      participants: [ben!.id],
    });
    await redis.stop();
    const sends = [];
    for (let i = 0; i < 5; i++)
      sends.push(
        await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann!.token, text(`down${i}`)),
      );
    expect(sends.map((s) => s.status)).toEqual([201, 201, 201, 201, 201]);
    const health = await svc.api.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.checks).toEqual({ postgres: 'up', redis: 'down' });
    expect(health.body.pendingOutbox).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toHaveLength(0);

    await redis.start();
    await waitUntil(() => received.length >= 5, 40_000, 'events after Redis came back');
    expect(
      received
        .map(
          (e) =>
            (e.payload as { payload: { message: { parts: Array<{ body: string }> } } }).payload.message
              .parts[0]!.body,
        )
        .sort(),
    ).toEqual(['down0', 'down1', 'down2', 'down3', 'down4']);
    await waitUntil(async () => (await svc.api.get('/health')).status === 200, 10_000, 'healthy again');
  });
});
