import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conversationEventFor, newEvent } from '../test/conversation-events.js';
import { adminRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../test/redis-test-env.js';
import { EventBus, InvalidPayloadError, Topics, type BusEvent, type TopicPayloads } from './index.js';

const prefix = uniquePrefix('payload-contract');
let bus: EventBus;
let admin: Redis;
const reported: string[] = [];

beforeAll(() => {
  bus = new EventBus({ redisUrl: testRedisUrl, prefix, onError: (_err, context) => reported.push(context) });
  admin = adminRedis();
});

afterAll(async () => {
  await bus.close();
  admin.disconnect();
  await deleteKeysWithPrefix(prefix);
});

async function jobExists(group: string, jobId: string): Promise<boolean> {
  return (await admin.exists(`${prefix}:${group}:${jobId}`)) === 1;
}

/** Writes a job straight into a group's queue, as an older or buggy publisher would, bypassing every check. */
async function addRawJob(group: string, name: string, jobId: string, data: unknown): Promise<void> {
  const queue = new Queue(group, { connection: { url: testRedisUrl }, prefix });
  try {
    await queue.add(name, data, { jobId, attempts: 5, backoff: { type: 'exponential', delay: 10 } });
  } finally {
    await queue.close();
  }
}

describe('payloads are parsed with their protocol schema when published', () => {
  it('throws at the publisher, naming topic, event id and the mismatch, and stores nothing', async () => {
    const handled: BusEvent[] = [];
    await bus.subscribe('strict-publish', {
      [Topics.messageSent]: async (event) => void handled.push(event),
    });

    const bad = newEvent(Topics.messageSent);
    const withoutParts = {
      ...bad.payload,
      payload: { message: { ...bad.payload.payload.message, parts: undefined } },
    } as unknown as TopicPayloads['message.sent.v1'];
    const refusal = bus.publish(Topics.messageSent, { id: bad.id, payload: withoutParts });
    await expect(refusal).rejects.toThrow(InvalidPayloadError);
    await expect(refusal).rejects.toThrow(
      new RegExp(`"message\\.sent\\.v1" ${bad.id} does not match its schema: payload\\.message\\.parts`),
    );
    expect(await jobExists('strict-publish', bad.id)).toBe(false);

    // The barrier is handled, the refused event never was.
    const barrier = newEvent(Topics.messageSent);
    await bus.publish(Topics.messageSent, barrier);
    await vi.waitFor(() => expect(handled.map((e) => e.id)).toEqual([barrier.id]), { timeout: 5_000 });
  });

  it('refuses an event of another type published on a topic, and a non-object payload', async () => {
    const edited = newEvent(Topics.messageEdited);
    await expect(bus.publish(Topics.messageSent, edited as never)).rejects.toThrow(
      /"message\.sent\.v1" .* does not match its schema: type/,
    );
    await expect(
      bus.publishMany([{ topic: Topics.conversationRead, id: randomUUID(), payload: 'read' }]),
    ).rejects.toThrow(InvalidPayloadError);
  });

  it('refuses a whole batch when one payload does not fit, writing none of it', async () => {
    await bus.subscribe('strict-batch', { [Topics.conversationRead]: async () => undefined });
    const good = newEvent(Topics.conversationRead);
    const bad = newEvent(Topics.conversationRead);
    await expect(
      bus.publishMany([
        { topic: Topics.conversationRead, ...good },
        { topic: Topics.conversationRead, id: bad.id, payload: { ...bad.payload, seq: 0 } },
      ]),
    ).rejects.toThrow(new RegExp(`${bad.id} does not match its schema: seq`));
    expect(await jobExists('strict-batch', good.id)).toBe(false);
  });

  it('refuses an occurredAt that is not a time', async () => {
    await expect(
      bus.publish(Topics.conversationRead, { ...newEvent(Topics.conversationRead), occurredAt: 'yesterday' }),
    ).rejects.toThrow(/occurredAt .* must be an ISO-8601 time/);
  });

  it('hands the handler the parsed payload: keys outside the schema are dropped', async () => {
    const handled: BusEvent[] = [];
    await bus.subscribe('parsed', {
      [Topics.participantsRemoved]: async (event) => void handled.push(event),
    });
    const event = newEvent(Topics.participantsRemoved);
    await bus.publish(Topics.participantsRemoved, {
      id: event.id,
      payload: { ...event.payload, internalNote: 'not part of the contract' } as typeof event.payload,
    });
    await vi.waitFor(() => expect(handled).toHaveLength(1), { timeout: 5_000 });
    expect(handled[0]?.payload).toEqual(event.payload);
  });
});

describe('payloads are parsed again when consumed', () => {
  it('sends a job whose payload does not fit straight to the dead letters, without retries', async () => {
    let calls = 0;
    await bus.subscribe(
      'strict-consume',
      {
        [Topics.messageRemoved]: async () => void (calls += 1),
      },
      { attempts: 5, backoffDelayMs: 10 },
    );

    const id = randomUUID();
    const payload = { ...conversationEventFor(Topics.messageRemoved, id), payload: { messageId: 'nope' } };
    await addRawJob('strict-consume', Topics.messageRemoved, id, {
      id,
      topic: Topics.messageRemoved,
      occurredAt: new Date().toISOString(),
      payload,
    });
    await vi.waitFor(async () => expect(await bus.deadLetters('strict-consume')).toHaveLength(1), {
      timeout: 5_000,
    });

    const [deadLetter] = await bus.deadLetters('strict-consume');
    expect(deadLetter).toMatchObject({ jobId: id, topic: Topics.messageRemoved, attemptsMade: 1 });
    expect(deadLetter?.failedReason).toMatch(
      /group "strict-consume" refused a "message\.removed\.v1" job: .* does not match its schema: payload\.messageId/,
    );
    expect(calls).toBe(0);
    expect(reported).toContain(`dead-letter:strict-consume:${Topics.messageRemoved}:${id}`);
  });

  it('dead-letters a job whose envelope is not an event of its topic', async () => {
    await bus.subscribe('strict-envelope', { [Topics.conversationUpdated]: async () => undefined });
    const id = randomUUID();
    await addRawJob('strict-envelope', Topics.conversationUpdated, id, {
      id,
      topic: Topics.messageSent,
      occurredAt: new Date().toISOString(),
      payload: conversationEventFor(Topics.conversationUpdated, id),
    });
    await vi.waitFor(async () => expect(await bus.deadLetters('strict-envelope')).toHaveLength(1), {
      timeout: 5_000,
    });
    const [deadLetter] = await bus.deadLetters('strict-envelope');
    expect(deadLetter?.attemptsMade).toBe(1);
    expect(deadLetter?.failedReason).toMatch(/the event's topic is "message\.sent\.v1"/);
  });
});
