// The voice proxy's operator queue (@parley/desk's roster) in the real Redis: longest idle first, one call per operator, releases that can repeat.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateTestNamespace, testRedisUrl } from '@parley/testing';
import { Redis } from 'ioredis';
import { OperatorRoster as OperatorQueue } from '@parley/desk';

const ns = allocateTestNamespace('vp_queue', { databaseUrl: null });
let redis: Redis;
let clock = 1_000_000;
let queue: OperatorQueue;

beforeAll(() => {
  redis = new Redis(testRedisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await ns.cleanup();
});

/** A queue of its own per test (its own key prefix), with a clock the test moves. */
function freshQueue(): OperatorQueue {
  queue = new OperatorQueue(redis, `${ns.redisPrefix}:${randomUUID()}`, () => clock);
  return queue;
}

describe('the operator queue', () => {
  it('hands out the longest-idle operator first, each to one call only, skipping those excluded', async () => {
    const q = freshQueue();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    clock = 1000;
    await q.setAvailable(a, 'Ann');
    clock = 2000;
    await q.setAvailable(b, 'Ben');
    clock = 3000;
    await q.setAvailable(c, 'Cid');
    expect(await q.claimLongestIdle('call-1', [a])).toEqual({ id: b, displayName: 'Ben' });
    expect(await q.claimLongestIdle('call-2', [])).toEqual({ id: a, displayName: 'Ann' });
    expect(await q.claimLongestIdle('call-3', [c])).toBeUndefined();
    expect(await q.availability(a)).toEqual({ available: true, inCall: true, idleSince: null });
  });

  it('many calls claiming at once never get the same operator', async () => {
    const q = freshQueue();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      clock = 10_000 + i;
      await q.setAvailable(id, `Op ${i}`);
    }
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => q.claimLongestIdle(`call-${i}`, [])),
    );
    const got = claims.flatMap((c) => (c ? [c.id] : []));
    expect(got.sort()).toEqual([...ids].sort());
  });

  it('a release puts the operator at the end of the queue; a repeated release changes nothing', async () => {
    const q = freshQueue();
    const [a, b] = [randomUUID(), randomUUID()];
    clock = 100;
    await q.setAvailable(a, 'Ann');
    clock = 200;
    await q.setAvailable(b, 'Ben');
    await q.claimLongestIdle('call-1', []);
    clock = 300;
    await q.release(a, 'call-1', false);
    clock = 400;
    await q.release(a, 'call-1', false);
    expect(await q.availability(a)).toEqual({
      available: true,
      inCall: false,
      idleSince: new Date(300).toISOString(),
    });
    expect((await q.claimLongestIdle('call-2', []))?.id).toBe(b);
    // A release for a call the operator has left does not free them from the call they are in now.
    await q.claimLongestIdle('call-3', []);
    await q.release(a, 'call-1', false);
    expect((await q.availability(a)).inCall).toBe(true);
  });

  it('an operator found offline leaves the queue; off duty while in a call, they are not queued after it', async () => {
    const q = freshQueue();
    const [a, b] = [randomUUID(), randomUUID()];
    clock = 100;
    await q.setAvailable(a, 'Ann');
    clock = 200;
    await q.setAvailable(b, 'Ben');
    expect((await q.claimLongestIdle('call-1', []))?.id).toBe(a);
    await q.release(a, 'call-1', true);
    expect(await q.availability(a)).toEqual({ available: false, inCall: false, idleSince: null });

    expect((await q.claimLongestIdle('call-2', []))?.id).toBe(b);
    await q.setUnavailable(b);
    await q.release(b, 'call-2', false);
    expect(await q.availability(b)).toEqual({ available: false, inCall: false, idleSince: null });
    expect(await q.claimLongestIdle('call-3', [])).toBeUndefined();
  });
});
