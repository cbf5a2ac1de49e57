import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newEvent } from '../test/conversation-events.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../test/redis-test-env.js';
import { EventBus, Topics, UnrecoverableError, type BusEvent, type Topic } from './index.js';

const prefix = uniquePrefix('event-bus');
const reported: Array<{ err: unknown; context: string }> = [];
let bus: EventBus;

/** Resolves once `handled` contains `eventId`: with concurrency 1 and FIFO queues, a barrier for what came before. */
async function waitUntilHandled(handled: Array<{ id: string }>, eventId: string): Promise<void> {
  await vi.waitFor(() => expect(handled.map((e) => e.id)).toContain(eventId), {
    timeout: 5_000,
    interval: 20,
  });
}

beforeAll(() => {
  bus = new EventBus({
    redisUrl: testRedisUrl,
    prefix,
    onError: (err, context) => reported.push({ err, context }),
  });
});

afterAll(async () => {
  await bus.close();
  await deleteKeysWithPrefix(prefix);
});

describe('EventBus', () => {
  it('answers ping', async () => {
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('fans an event out to every subscribed group, and each group only gets its topics', async () => {
    const auditLog: BusEvent[] = [];
    const webhooks: BusEvent[] = [];
    await bus.subscribe('fanout-audit', {
      [Topics.messageSent]: async (event) => void auditLog.push(event),
      [Topics.messageEdited]: async (event) => void auditLog.push(event),
    });
    await bus.subscribe('fanout-webhooks', {
      [Topics.messageSent]: async (event) => void webhooks.push(event),
    });

    const sent = newEvent(Topics.messageSent);
    const occurredAt = '2024-05-01T10:00:00.000Z';
    const result = await bus.publish(Topics.messageSent, { ...sent, occurredAt });
    expect(result.deliveredToGroups).toEqual(['fanout-audit', 'fanout-webhooks']);

    const edited = newEvent(Topics.messageEdited);
    expect((await bus.publish(Topics.messageEdited, edited)).deliveredToGroups).toEqual(['fanout-audit']);

    await waitUntilHandled(auditLog, edited.id);
    await waitUntilHandled(webhooks, sent.id);
    expect(auditLog.map((e) => [e.topic, e.id])).toEqual([
      [Topics.messageSent, sent.id],
      [Topics.messageEdited, edited.id],
    ]);
    expect(webhooks).toEqual([{ id: sent.id, topic: Topics.messageSent, occurredAt, payload: sent.payload }]);
    // A barrier event proves the webhooks queue had nothing else (in particular not the edit) before it.
    const barrier = newEvent(Topics.messageSent);
    await bus.publish(Topics.messageSent, barrier);
    await waitUntilHandled(webhooks, barrier.id);
    expect(webhooks.map((e) => e.topic)).toEqual([Topics.messageSent, Topics.messageSent]);
  });

  it('treats a topic nobody subscribed to as delivered to no group', async () => {
    await expect(bus.publish(Topics.conversationRead, newEvent(Topics.conversationRead))).resolves.toEqual({
      deliveredToGroups: [],
    });
  });

  it('runs the handler once for an event published twice (job id = event id)', async () => {
    const handled: BusEvent[] = [];
    await bus.subscribe('dedupe', {
      [Topics.conversationCreated]: async (event) => void handled.push(event),
    });

    const event = newEvent(Topics.conversationCreated);
    await bus.publish(Topics.conversationCreated, event);
    await bus.publish(Topics.conversationCreated, event);
    await waitUntilHandled(handled, event.id);
    // Again after it completed, as an outbox relay retrying a batch would, and inside a batch.
    await bus.publish(Topics.conversationCreated, event);
    await bus.publishMany([
      { topic: Topics.conversationCreated, ...event },
      { topic: Topics.conversationCreated, ...event },
    ]);

    const barrier = newEvent(Topics.conversationCreated);
    await bus.publish(Topics.conversationCreated, barrier);
    await waitUntilHandled(handled, barrier.id);
    expect(handled.map((e) => e.id)).toEqual([event.id, barrier.id]);
  });

  it('retries a failing handler with exponential backoff until it succeeds', async () => {
    const attemptTimes: number[] = [];
    const handled: BusEvent[] = [];
    await bus.subscribe(
      'flaky',
      {
        [Topics.participantsAdded]: async (event) => {
          attemptTimes.push(Date.now());
          if (attemptTimes.length < 3) throw new Error(`transient failure ${attemptTimes.length}`);
          handled.push(event);
        },
      },
      { attempts: 4, backoffDelayMs: 60 },
    );

    const event = newEvent(Topics.participantsAdded);
    await bus.publish(Topics.participantsAdded, event);
    await waitUntilHandled(handled, event.id);

    expect(attemptTimes).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = attemptTimes;
    // 60 ms then 120 ms (a few ms of timer slack allowed).
    expect(second - first).toBeGreaterThanOrEqual(55);
    expect(third - second).toBeGreaterThanOrEqual(115);
    expect(await bus.deadLetters('flaky')).toEqual([]);
  });

  it('dead-letters a job whose attempts are spent, then replays it', async () => {
    let failing = true;
    let calls = 0;
    const handled: BusEvent[] = [];
    await bus.subscribe(
      'doomed',
      {
        [Topics.messageRemoved]: async (event) => {
          calls += 1;
          if (failing) throw new Error('webhook answered 500');
          handled.push(event);
        },
      },
      { attempts: 2, backoffDelayMs: 20 },
    );

    const event = newEvent(Topics.messageRemoved);
    await bus.publish(Topics.messageRemoved, { ...event, occurredAt: '2024-05-01T10:00:00.000Z' });
    await vi.waitFor(async () => expect(await bus.deadLetters('doomed')).toHaveLength(1), { timeout: 5_000 });

    const [deadLetter] = await bus.deadLetters('doomed');
    expect(deadLetter).toMatchObject({
      jobId: event.id,
      topic: Topics.messageRemoved,
      event: { id: event.id, topic: Topics.messageRemoved, payload: event.payload },
      failedReason: 'webhook answered 500',
      attemptsMade: 2,
    });
    expect(deadLetter?.failedAt).toBeGreaterThan(0);
    expect(calls).toBe(2);
    expect(
      reported.some((r) => r.context === `dead-letter:doomed:${Topics.messageRemoved}:${event.id}`),
    ).toBe(true);

    failing = false;
    await bus.replayDeadLetter('doomed', event.id);
    await waitUntilHandled(handled, event.id);
    expect(calls).toBe(3);
    expect(await bus.deadLetters('doomed')).toEqual([]);
    await expect(bus.replayDeadLetter('doomed', 'no-such-job')).rejects.toThrow(/no job/);
  });

  it('replays every dead letter of a group at once', async () => {
    let failing = true;
    const handled: BusEvent[] = [];
    await bus.subscribe(
      'replay-all',
      {
        [Topics.conversationUpdated]: async (event) => {
          if (failing) throw new Error('downstream unavailable');
          handled.push(event);
        },
      },
      { attempts: 1 },
    );

    const events = [newEvent(Topics.conversationUpdated), newEvent(Topics.conversationUpdated)];
    await bus.publishMany(events.map((e) => ({ topic: Topics.conversationUpdated, ...e })));
    await vi.waitFor(async () => expect(await bus.deadLetters('replay-all')).toHaveLength(2), {
      timeout: 5_000,
    });

    failing = false;
    expect(await bus.replayAllDeadLetters('replay-all')).toBe(2);
    await vi.waitFor(() => expect(handled.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort()), {
      timeout: 5_000,
    });
    expect(await bus.deadLetters('replay-all')).toEqual([]);
    expect(await bus.replayAllDeadLetters('replay-all')).toBe(0);
  });

  it('sends a job to the dead letters after one attempt when the handler throws UnrecoverableError', async () => {
    let calls = 0;
    await bus.subscribe(
      'unrecoverable',
      {
        [Topics.participantsRemoved]: async () => {
          calls += 1;
          throw new UnrecoverableError('payload can never be delivered');
        },
      },
      { attempts: 5, backoffDelayMs: 10 },
    );

    const event = newEvent(Topics.participantsRemoved);
    await bus.publish(Topics.participantsRemoved, event);
    await vi.waitFor(async () => expect(await bus.deadLetters('unrecoverable')).toHaveLength(1), {
      timeout: 5_000,
    });

    const [deadLetter] = await bus.deadLetters('unrecoverable');
    expect(deadLetter).toMatchObject({
      jobId: event.id,
      failedReason: 'payload can never be delivered',
      attemptsMade: 1,
    });
    expect(calls).toBe(1);
  });

  it('refuses a subscription with a missing or unknown handler before registering anything', async () => {
    const missing = { [Topics.participantsUpdated]: undefined } as unknown as Parameters<
      EventBus['subscribe']
    >[1];
    await expect(bus.subscribe('incomplete', missing)).rejects.toThrow(/without a handler/);
    const unknown = { 'participants.updated.v0': async () => undefined } as unknown as Parameters<
      EventBus['subscribe']
    >[1];
    await expect(bus.subscribe('incomplete', unknown)).rejects.toThrow(/unknown topic/);
    await expect(bus.subscribe('incomplete', {})).rejects.toThrow(/no topic/);
    await expect(bus.subscribe('Bad Name', { [Topics.messageSent]: async () => undefined })).rejects.toThrow(
      /invalid consumer group/,
    );
    // Nothing was registered: publishing on the topic reaches no group.
    const result = await bus.publish(Topics.participantsUpdated, newEvent(Topics.participantsUpdated));
    expect(result.deliveredToGroups).toEqual([]);
  });

  it('refuses a second subscription of the same group on one bus', async () => {
    const subscription = await bus.subscribe('once-only', { [Topics.messageEdited]: async () => undefined });
    await expect(
      bus.subscribe('once-only', { [Topics.messageEdited]: async () => undefined }),
    ).rejects.toThrow(/already subscribed/);
    await subscription.close();
    const again = await bus.subscribe('once-only', { [Topics.messageEdited]: async () => undefined });
    expect(again.topics).toEqual([Topics.messageEdited]);
    await again.close();
  });

  it('lets the latest subscription of a group define its topics', async () => {
    const before = await bus.subscribe('reshaped', {
      [Topics.participantsUpdated]: async () => undefined,
      [Topics.conversationUpdated]: async () => undefined,
    });
    await before.close();
    const after = await bus.subscribe('reshaped', { [Topics.conversationUpdated]: async () => undefined });
    try {
      const dropped = await bus.publish(Topics.participantsUpdated, newEvent(Topics.participantsUpdated));
      expect(dropped.deliveredToGroups).not.toContain('reshaped');
      const kept = await bus.publish(Topics.conversationUpdated, newEvent(Topics.conversationUpdated));
      expect(kept.deliveredToGroups).toContain('reshaped');
    } finally {
      await after.close();
    }
  });

  it('refuses unknown topics and unusable ids at run time, writing nothing of a refused batch', async () => {
    const handled: BusEvent[] = [];
    await bus.subscribe('guarded', { [Topics.conversationRead]: async (event) => void handled.push(event) });

    await expect(
      bus.publish('conversation.read.v9' as Topic, newEvent(Topics.conversationRead)),
    ).rejects.toThrow(/unknown topic/);
    const valid = newEvent(Topics.conversationRead);
    await expect(
      bus.publishMany([
        { topic: Topics.conversationRead, ...valid },
        { topic: 'nope.v1' as Topic, id: randomUUID(), payload: {} },
      ]),
    ).rejects.toThrow(/unknown topic/);
    await expect(
      bus.publish(Topics.conversationRead, { ...newEvent(Topics.conversationRead), id: '42' }),
    ).rejects.toThrow(/not usable as a job id/);

    const barrier = newEvent(Topics.conversationRead);
    await bus.publish(Topics.conversationRead, barrier);
    await waitUntilHandled(handled, barrier.id);
    expect(handled.map((e) => e.id)).toEqual([barrier.id]);
  });

  it('rejects quickly, instead of hanging, when Redis is unreachable', async () => {
    const errors: string[] = [];
    const offline = new EventBus({
      redisUrl: 'redis://127.0.0.1:1',
      prefix: uniquePrefix('offline'),
      onError: (_err, context) => errors.push(context),
    });
    try {
      const started = Date.now();
      await expect(offline.publish(Topics.messageSent, newEvent(Topics.messageSent))).rejects.toThrow(
        /not reachable/,
      );
      expect(Date.now() - started).toBeLessThan(4_000);
      await expect(
        offline.publishMany([{ topic: Topics.messageSent, ...newEvent(Topics.messageSent) }]),
      ).rejects.toThrow();
      await expect(offline.ping()).rejects.toThrow();
      expect(errors).toContain('publisher');
    } finally {
      await offline.close();
    }
    await expect(offline.publish(Topics.messageSent, newEvent(Topics.messageSent))).rejects.toThrow(/closed/);
  });
});
