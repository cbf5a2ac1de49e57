// Redis killed and restarted under the bus (a Redis of this file's own, never the machine's shared one).
import { eventually, startPrivateRedis, type PrivateRedis } from '@parley/testing';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../test/conversation-events.js';
import { uniquePrefix } from '../test/redis-test-env.js';
import { workerLockSettings } from './group-worker.js';
import { EventBus, Topics, type BusEvent } from './index.js';

const prefix = uniquePrefix('redis-restart');
const reported: Array<{ err: unknown; context: string }> = [];
let redis: PrivateRedis;
let bus: EventBus;
let admin: Redis;

/** Jobs of a group, read the way an operator would. */
function queueOf(group: string): Queue {
  const queue = new Queue(group, { connection: { url: redis.url, maxRetriesPerRequest: 1 }, prefix });
  // Its connection drops with the restart; the reads that fail meanwhile are retried by `eventually`.
  queue.on('error', () => undefined);
  return queue;
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeAll(async () => {
  // Like the deployed Redis, an append-only file: the queues and the job locks survive the restart.
  redis = await startPrivateRedis({ appendOnly: true });
  bus = new EventBus({
    redisUrl: redis.url,
    prefix,
    onError: (err, context) => reported.push({ err, context }),
  });
  admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
});

afterAll(async () => {
  await bus?.close();
  admin?.disconnect();
  await redis?.cleanup();
});

const deadLetterReports = () => reported.filter((r) => r.context.startsWith('dead-letter:'));

describe('Redis restarted while a job is in flight', () => {
  it('a job taken by a worker that never ran it is run again within seconds and completes', async () => {
    const group = 'restart-lost-job';
    // Registers the group, then stops this node's worker: the published job waits in the queue.
    const registration = await bus.subscribe(group, { [Topics.messageSent]: async () => undefined });
    await registration.close();
    const event = newEvent(Topics.messageSent);
    await bus.publish(Topics.messageSent, event);

    // A worker of the bus takes the job (it is active, under that worker's lock) and never runs it: as when
    // Redis dies after moving the job but before its reply reaches the worker, or the worker dies with it.
    const lostWorker = new Worker(group, null, {
      connection: { url: redis.url, maxRetriesPerRequest: null },
      prefix,
      autorun: false,
      lockDuration: workerLockSettings.lockDurationMs,
    });
    const taken = await lostWorker.getNextJob('token-of-a-worker-that-died');
    expect(taken?.id).toBe(event.id);
    await lostWorker.close(true);

    const handled = deferred<BusEvent>();
    const runs: string[] = [];
    await bus.subscribe(group, {
      [Topics.messageSent]: async (delivered) => {
        runs.push(delivered.id);
        handled.resolve(delivered);
      },
    });
    const queue = queueOf(group);
    try {
      expect(await queue.getJobState(event.id)).toBe('active');
      await redis.kill();
      await redis.start();

      // Bounded by the test's timeout: with BullMQ's defaults this took up to a minute.
      expect((await handled.promise).id).toBe(event.id);
      await eventually(
        async () => (await queue.getJobState(event.id)) === 'completed',
        'the job completed',
        20_000,
      );
      expect(runs).toEqual([event.id]);
      expect(deadLetterReports()).toEqual([]);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('a handler that runs longer than the lock, through a Redis restart, keeps its job and runs once', async () => {
    const group = 'restart-long-job';
    const started = deferred();
    const release = deferred();
    const runs: string[] = [];
    await bus.subscribe(group, {
      [Topics.messageSent]: async (delivered) => {
        runs.push(delivered.id);
        started.resolve();
        await release.promise;
      },
    });
    const event = newEvent(Topics.messageSent);
    await bus.publish(Topics.messageSent, event);
    await started.promise;

    const lockKey = `${prefix}:${group}:${event.id}:lock`;
    const stalledCheckKey = `${prefix}:${group}:stalled-check`;
    // When the lock would run out had nobody renewed it.
    const firstLockEnd = Date.now() + (await admin.pttl(lockKey));
    expect(firstLockEnd).toBeGreaterThan(Date.now());

    await redis.kill();
    await redis.start();

    // Wait until a stalled-job check has run after the first lock would have ended (the check stores its
    // time in a key), with the lock still held: the worker kept renewing it across the restart.
    const queue = queueOf(group);
    try {
      await eventually(
        async () => {
          const lastCheck = Number(await admin.get(stalledCheckKey));
          return lastCheck > firstLockEnd && (await admin.exists(lockKey)) === 1;
        },
        'a stalled-job check after the first lock would have run out',
        30_000,
        { intervalMs: 100 },
      );
      expect(await queue.getJobState(event.id)).toBe('active');
      release.resolve();
      await eventually(
        async () => (await queue.getJobState(event.id)) === 'completed',
        'the job completed',
        20_000,
      );
      expect(runs).toEqual([event.id]);
      expect(deadLetterReports()).toEqual([]);
    } finally {
      release.resolve();
      await queue.close();
    }
  }, 60_000);
});
