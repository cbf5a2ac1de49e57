import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../test/redis-test-env.js';
import {
  DelayedJobs,
  EventBus,
  InvalidPayloadError,
  type DelayedJob,
  type DelayedJobsRunner,
} from './index.js';

type Fired = { job: DelayedJob; at: number };

const prefix = uniquePrefix('delayed');
let bus: EventBus;
let runner: DelayedJobsRunner;
const fired: Fired[] = [];
/** Ids whose handler throws on its first run. */
const failOnce = new Set<string>();
const reported: string[] = [];

function firedIds(): string[] {
  return fired.map((f) => f.job.id);
}

async function waitUntilFired(jobId: string, from: Fired[] = fired): Promise<void> {
  await vi.waitFor(() => expect(from.map((f) => f.job.id)).toContain(jobId), {
    timeout: 8_000,
    interval: 20,
  });
}

/** A job scheduled after the ones under test and due later: once it fired, the earlier ones had their turn. */
async function fireBarrier(delayMs: number, on: EventBus = bus, from: Fired[] = fired): Promise<void> {
  const barrier = `barrier-${randomUUID()}`;
  await on.scheduleDelayed(DelayedJobs.callRingTimeout, barrier, { callId: barrier }, delayMs);
  await waitUntilFired(barrier, from);
}

beforeAll(async () => {
  bus = new EventBus({ redisUrl: testRedisUrl, prefix, onError: (_err, context) => reported.push(context) });
  const record = async (job: DelayedJob) => {
    if (failOnce.delete(job.id)) throw new Error('ringing service unavailable');
    fired.push({ job, at: Date.now() });
  };
  runner = await bus.runDelayedJobs({
    [DelayedJobs.callRingTimeout]: record,
    [DelayedJobs.inviteRing]: record,
  });
});

afterAll(async () => {
  await runner.close();
  await bus.close();
  await deleteKeysWithPrefix(prefix);
});

describe('delayed jobs', () => {
  it('fires once, after its delay, with its payload', async () => {
    const scheduledAt = Date.now();
    await bus.scheduleDelayed(
      DelayedJobs.inviteRing,
      'invite-1-ring-2',
      { inviteId: 'invite-1', ring: 2 },
      300,
    );
    await waitUntilFired('invite-1-ring-2');

    const [first] = fired.filter((f) => f.job.id === 'invite-1-ring-2');
    expect(first?.at).toBeGreaterThanOrEqual(scheduledAt + 290);
    expect(first?.job).toMatchObject({
      id: 'invite-1-ring-2',
      name: DelayedJobs.inviteRing,
      payload: { inviteId: 'invite-1', ring: 2 },
    });
    expect(Date.parse(first!.job.dueAt) - Date.parse(first!.job.scheduledAt)).toBe(300);
    await fireBarrier(50);
    expect(firedIds().filter((id) => id === 'invite-1-ring-2')).toHaveLength(1);
  });

  it('keeps one job when the same id is scheduled twice, the first one', async () => {
    const jobId = `call-${randomUUID()}`;
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, jobId, { callId: 'first' }, 200);
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, jobId, { callId: 'second' }, 250);
    await fireBarrier(400);
    const runs = fired.filter((f) => f.job.id === jobId);
    expect(runs.map((f) => f.job.payload)).toEqual([{ callId: 'first' }]);

    // Scheduling it again after it fired changes nothing either: the id is kept as fired.
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, jobId, { callId: 'third' }, 0);
    await fireBarrier(100);
    expect(fired.filter((f) => f.job.id === jobId)).toHaveLength(1);
  });

  it('does not fire a cancelled job, and says whether there was one to cancel', async () => {
    const jobId = `call-${randomUUID()}`;
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, jobId, { callId: jobId }, 300);
    await expect(bus.cancelDelayed(DelayedJobs.callRingTimeout, jobId)).resolves.toBe(true);
    await expect(bus.cancelDelayed(DelayedJobs.callRingTimeout, jobId)).resolves.toBe(false);
    await expect(bus.cancelDelayed(DelayedJobs.callRingTimeout, 'never-scheduled')).resolves.toBe(false);
    // The same id under another name is another job.
    await expect(bus.cancelDelayed(DelayedJobs.inviteRing, jobId)).resolves.toBe(false);

    await fireBarrier(500);
    expect(firedIds()).not.toContain(jobId);

    // A cancelled id is free again.
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, jobId, { callId: 'again' }, 10);
    await waitUntilFired(jobId);
    await expect(bus.cancelDelayed(DelayedJobs.callRingTimeout, jobId)).resolves.toBe(false);
  });

  it('retries a failing handler with its backoff, and a cancel stops the retries', async () => {
    const retried = `call-${randomUUID()}`;
    failOnce.add(retried);
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, retried, { callId: retried }, 0);
    await waitUntilFired(retried);
    expect(failOnce.has(retried)).toBe(false);

    const stopped = `call-${randomUUID()}`;
    failOnce.add(stopped);
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, stopped, { callId: stopped }, 0);
    // The first run failed once the failOnce entry is gone; the retry then waits out its 500 ms backoff.
    await vi.waitFor(() => expect(failOnce.has(stopped)).toBe(false), { timeout: 5_000, interval: 10 });
    await vi.waitFor(
      async () => expect(await bus.cancelDelayed(DelayedJobs.callRingTimeout, stopped)).toBe(true),
      { timeout: 2_000, interval: 10 },
    );
    await fireBarrier(800);
    expect(firedIds()).not.toContain(stopped);
  });

  it('refuses a payload that does not fit, an unknown name, a bad id or delay, storing nothing', async () => {
    const refusal = bus.scheduleDelayed(
      DelayedJobs.inviteRing,
      'invite-9',
      { inviteId: 'invite-9' } as never,
      10,
    );
    await expect(refusal).rejects.toThrow(InvalidPayloadError);
    await expect(refusal).rejects.toThrow(/"invite\.ring\.v1" invite-9 does not match its schema: ring/);
    await expect(
      bus.scheduleDelayed('call.ring-timeout.v0' as never, 'x-1', { callId: 'x' } as never, 10),
    ).rejects.toThrow(/unknown delayed job "call\.ring-timeout\.v0"/);
    await expect(
      bus.scheduleDelayed(DelayedJobs.callRingTimeout, 'a:b', { callId: 'x' }, 10),
    ).rejects.toThrow(/not usable as a job id/);
    await expect(
      bus.scheduleDelayed(DelayedJobs.callRingTimeout, 'x-2', { callId: 'x' }, -1),
    ).rejects.toThrow(/delay .* must be an integer/);
    await expect(
      bus.scheduleDelayed(DelayedJobs.callRingTimeout, 'x-3', { callId: 'x' }, 1.5),
    ).rejects.toThrow(/delay .* must be an integer/);

    const queue = new Queue(DelayedJobs.inviteRing, { connection: { url: testRedisUrl }, prefix });
    try {
      expect(await queue.getJob('invite-9')).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('sends a job whose data does not fit to the dead letters at once, without running its handler', async () => {
    const jobId = `invite-${randomUUID()}`;
    const queue = new Queue(DelayedJobs.inviteRing, { connection: { url: testRedisUrl }, prefix });
    try {
      const now = new Date().toISOString();
      await queue.add(
        DelayedJobs.inviteRing,
        {
          id: jobId,
          name: DelayedJobs.inviteRing,
          scheduledAt: now,
          dueAt: now,
          payload: { inviteId: jobId },
        },
        { jobId, attempts: 5, backoff: { type: 'exponential', delay: 10 } },
      );
    } finally {
      await queue.close();
    }
    await vi.waitFor(
      async () =>
        expect((await bus.delayedDeadLetters(DelayedJobs.inviteRing)).map((d) => d.jobId)).toContain(jobId),
      { timeout: 5_000 },
    );
    const deadLetter = (await bus.delayedDeadLetters(DelayedJobs.inviteRing)).find((d) => d.jobId === jobId);
    expect(deadLetter).toMatchObject({ name: DelayedJobs.inviteRing, attemptsMade: 1 });
    expect(deadLetter?.failedReason).toMatch(/does not match its schema: ring/);
    expect(firedIds()).not.toContain(jobId);
    expect(reported).toContain(`dead-letter:${DelayedJobs.inviteRing}:${DelayedJobs.inviteRing}:${jobId}`);
  });

  it('refuses a runner with a missing or unknown handler, and a name already running on the bus', async () => {
    await expect(bus.runDelayedJobs({ [DelayedJobs.inviteRing]: undefined } as never)).rejects.toThrow(
      /"invite\.ring\.v1" without a handler/,
    );
    await expect(bus.runDelayedJobs({ 'invite.ring.v0': async () => undefined } as never)).rejects.toThrow(
      /unknown delayed job "invite\.ring\.v0"/,
    );
    await expect(bus.runDelayedJobs({})).rejects.toThrow(/no delayed job/);
    await expect(bus.runDelayedJobs({ [DelayedJobs.inviteRing]: async () => undefined })).rejects.toThrow(
      /"invite\.ring\.v1" already run on this bus/,
    );
  });
});

describe('delayed jobs across a restart', () => {
  it('fires a job scheduled before the restart exactly once, in the new process', async () => {
    const restartPrefix = uniquePrefix('delayed-restart');
    const before: Fired[] = [];
    const after: Fired[] = [];
    const record = (into: Fired[]) => async (job: DelayedJob) => void into.push({ job, at: Date.now() });

    const first = new EventBus({ redisUrl: testRedisUrl, prefix: restartPrefix });
    const second = new EventBus({ redisUrl: testRedisUrl, prefix: restartPrefix });
    try {
      await first.runDelayedJobs({
        [DelayedJobs.callRingTimeout]: record(before),
        [DelayedJobs.inviteRing]: record(before),
      });
      await first.scheduleDelayed(DelayedJobs.callRingTimeout, 'call-7', { callId: 'call-7' }, 700);
      await first.scheduleDelayed(
        DelayedJobs.inviteRing,
        'invite-7-ring-1',
        { inviteId: 'invite-7', ring: 1 },
        800,
      );
      await first.close(); // The process stops before anything is due.

      await second.runDelayedJobs({
        [DelayedJobs.callRingTimeout]: record(after),
        [DelayedJobs.inviteRing]: record(after),
      });
      // A restarted app typically schedules its timers again; the ids keep that from doubling them.
      await second.scheduleDelayed(DelayedJobs.callRingTimeout, 'call-7', { callId: 'call-7' }, 700);
      await fireBarrier(1_200, second, after);

      expect(before).toEqual([]);
      expect(
        after
          .map((f) => f.job.id)
          .filter((id) => !id.startsWith('barrier-'))
          .sort(),
      ).toEqual(['call-7', 'invite-7-ring-1']);
    } finally {
      await Promise.allSettled([first.close(), second.close()]);
      await deleteKeysWithPrefix(restartPrefix);
    }
  });
});
