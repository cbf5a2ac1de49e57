// The roster in the real Redis: chats go to the least busy operator, then the longest idle; calls and chats share it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateTestNamespace, testRedisUrl } from '@parley/testing';
import { Redis } from 'ioredis';
import { OperatorRoster } from '../src/index.js';

const ns = allocateTestNamespace('desk_roster', { databaseUrl: null });
let redis: Redis;
let clock = 1_000_000;

beforeAll(() => {
  redis = new Redis(testRedisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await ns.cleanup();
});

function freshRoster(): OperatorRoster {
  return new OperatorRoster(redis, `${ns.redisPrefix}:${randomUUID()}`, () => clock);
}

describe('the operator roster', () => {
  it('gives a chat to the operator with the fewest open chats, the longest idle among equals', async () => {
    const roster = freshRoster();
    const [a, b] = [randomUUID(), randomUUID()];
    clock = 100;
    await roster.setAvailable(a, 'Ann');
    clock = 200;
    await roster.setAvailable(b, 'Ben');
    expect(await roster.claimForChat([a, b])).toEqual({ id: a, displayName: 'Ann' });
    expect(await roster.claimForChat([a, b])).toEqual({ id: b, displayName: 'Ben' });
    expect((await roster.claimForChat([a, b]))?.id).toBe(a);
    expect(await roster.openChats(a)).toBe(2);
    await roster.releaseChat(a);
    await roster.releaseChat(a);
    await roster.releaseChat(a);
    expect(await roster.openChats(a)).toBe(0);
  });

  it('skips operators not allowed, excluded, unavailable or in a call', async () => {
    const roster = freshRoster();
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const id of [a, b, c]) {
      clock += 100;
      await roster.setAvailable(id, 'Op');
    }
    await roster.setUnavailable(b);
    expect(await roster.claimLongestIdle('call-1', [])).toEqual({ id: a, displayName: 'Op' });
    expect(await roster.claimForChat([a, b, c, d], [c])).toBeUndefined();
    expect((await roster.claimForChat([a, b, c]))?.id).toBe(c);
    expect(await roster.claimForChat([])).toBeUndefined();
  });

  it('chats do not take an operator out of the call queue', async () => {
    const roster = freshRoster();
    const a = randomUUID();
    await roster.setAvailable(a, 'Ann');
    await roster.claimForChat([a]);
    expect((await roster.claimLongestIdle('call-1', []))?.id).toBe(a);
    expect((await roster.availability(a)).inCall).toBe(true);
  });
});
