import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import { eventually, freePort, testRedisUrl } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { RedisServerProcess } from './support/processes.js';

const text = (body: string) => ({
  clientMessageId: `o-${Math.random().toString(36).slice(2)}`,
  parts: [{ mimeType: 'text/plain', body }],
});

/** The message a message.sent bus event carries. */
const sentMessageOf = (e: BusEvent) =>
  'type' in e.payload && e.payload.type === 'message.sent' ? e.payload.payload.message : undefined;

// The test group consumes with concurrency 1 from a FIFO queue, so a later event that has arrived is a
// barrier: everything published before it has been handled too.
describe('transactional outbox', () => {
  let svc: MessagingUnderTest;
  let bus: EventBus;
  let ann: TestUser, ben: TestUser;
  const received: BusEvent[] = [];

  beforeAll(async () => {
    svc = await startMessagingUnderTest('outbox');
    bus = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    await bus.subscribe('outbox-test', {
      [Topics.messageSent]: async (e) => void received.push(e),
      [Topics.conversationCreated]: async (e) => void received.push(e),
    });
    [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
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
    await eventually(
      () => received.filter((e) => e.topic === Topics.messageSent).length >= 3,
      'three message.sent events on the bus',
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
    const marker = await svc.api.post(
      `/v1/conversations/${conv.body.id}/messages`,
      ann.token,
      text('marker'),
    );
    const markerEvent = await eventually(
      () => received.find((e) => sentMessageOf(e)?.id === marker.body.id),
      'the marker sent after the republished rows',
    );
    expect(received.at(-1)).toBe(markerEvent);
    expect(received).toHaveLength(logIds.length + 1);
  });

  it('carries the id of the request that caused an event into the bus event', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const res = await fetch(`${svc.url}/v1/conversations/${conv.body.id}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ann.token}`,
        'content-type': 'application/json',
        'x-request-id': 'trace-from-the-client-1',
      },
      body: JSON.stringify(text('traced')),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-from-the-client-1');
    const stored = (await res.json()) as { id: string };
    await eventually(() => received.some((e) => sentMessageOf(e)?.id === stored.id), 'the traced event');
    const event = received.find((e) => sentMessageOf(e)?.id === stored.id)!;
    expect(event.metadata).toEqual({ requestId: 'trace-from-the-client-1' });
  });

  it('gives each of many concurrent sends to one conversation its own request id', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    // Sent at once, they share commits: each event must still name the request that sent it.
    const sent = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${svc.url}/v1/conversations/${conv.body.id}/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${i % 2 === 0 ? ann.token : ben.token}`,
            'content-type': 'application/json',
            'x-request-id': `trace-concurrent-${i}`,
          },
          body: JSON.stringify(text(`traced ${i}`)),
        });
        expect(res.status).toBe(201);
        return { requestId: `trace-concurrent-${i}`, id: ((await res.json()) as { id: string }).id };
      }),
    );
    await eventually(
      () => sent.every((s) => received.some((e) => sentMessageOf(e)?.id === s.id)),
      'every traced event',
    );
    for (const s of sent) {
      const event = received.find((e) => sentMessageOf(e)?.id === s.id)!;
      expect(event.metadata).toEqual({ requestId: s.requestId });
    }
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
      [Topics.messageSent]: async (e) => void received.push(e),
    });
  });
  afterAll(async () => {
    await bus?.close();
    await svc?.stop();
    await redis?.remove();
  });

  it('accepts messages while Redis is down and publishes them once it is back', async () => {
    const [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    await redis.stop();
    const sends = [];
    for (let i = 0; i < 5; i++)
      sends.push(
        await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, text(`down${i}`)),
      );
    expect(sends.map((s) => s.status)).toEqual([201, 201, 201, 201, 201]);
    // Health reads the same outbox the relay would publish from: five rows still pending is the proof
    // that nothing left for the bus while Redis was away.
    const health = await svc.api.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'degraded',
      checks: { postgres: { status: 'up' }, redis: { status: 'down' } },
    });
    expect(health.body.details.pendingOutbox).toBeGreaterThanOrEqual(5);
    expect(received).toHaveLength(0);

    await redis.start();
    await eventually(() => received.length >= 5, 'events after Redis came back', 40_000);
    expect(received.map((e) => sentMessageOf(e)?.parts[0]?.body).sort()).toEqual([
      'down0',
      'down1',
      'down2',
      'down3',
      'down4',
    ]);
    await eventually(async () => (await svc.api.get('/health')).status === 200, 'healthy again');
  });
});
