import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { adminRedis, testRedisUrl, uniquePrefix } from '../test/redis-test-env.js';
import { RealtimeFanout } from './index.js';

// Pub/sub leaves no keys behind; the prefix keeps parallel runs from hearing each other's channels.
const prefix = uniquePrefix('fanout');
let nodeA: RealtimeFanout;
let nodeB: RealtimeFanout;
let admin: Redis;

function collector(): { messages: string[]; listener: (message: string) => void } {
  const messages: string[] = [];
  return { messages, listener: (message) => void messages.push(message) };
}

async function subscriberCount(channel: string): Promise<number> {
  const reply = (await admin.pubsub('NUMSUB', `${prefix}:rt:${channel}`)) as [string, number];
  return Number(reply[1]);
}

beforeAll(() => {
  nodeA = new RealtimeFanout({ redisUrl: testRedisUrl, prefix });
  nodeB = new RealtimeFanout({ redisUrl: testRedisUrl, prefix });
  admin = adminRedis();
});

afterAll(async () => {
  await Promise.all([nodeA.close(), nodeB.close()]);
  admin.disconnect();
});

describe('RealtimeFanout', () => {
  it('delivers a message published right after subscribe resolved, on every node', async () => {
    const onA = collector();
    const onB = collector();
    await nodeA.subscribe('user:1', onA.listener);
    await nodeB.subscribe('user:1', onB.listener);
    // No wait between subscribe and publish: resolving means Redis already confirmed the subscription.
    await nodeA.publish('user:1', 'hello');
    await vi.waitFor(() => {
      expect(onA.messages).toEqual(['hello']);
      expect(onB.messages).toEqual(['hello']);
    });
  });

  it('stops delivering to a node after its listener unsubscribed', async () => {
    const onA = collector();
    const onB = collector();
    const barrierOnB = collector();
    await nodeA.subscribe('user:2', onA.listener);
    const unsubscribeB = await nodeB.subscribe('user:2', onB.listener);
    await nodeB.subscribe('barrier:2', barrierOnB.listener);

    await nodeA.publish('user:2', 'first');
    await vi.waitFor(() => expect(onB.messages).toEqual(['first']));
    await unsubscribeB();
    await nodeA.publish('user:2', 'second');
    // Same publisher connection, so Redis would have pushed 'second' to node B before the barrier.
    await nodeA.publish('barrier:2', 'barrier');
    await vi.waitFor(() => {
      expect(barrierOnB.messages).toEqual(['barrier']);
      expect(onA.messages).toEqual(['first', 'second']);
    });
    expect(onB.messages).toEqual(['first']);
  });

  it('shares one Redis subscription between listeners of a channel and drops it with the last one', async () => {
    const first = collector();
    const second = collector();
    const unsubscribeFirst = await nodeA.subscribe('room:3', first.listener);
    const unsubscribeSecond = await nodeA.subscribe('room:3', second.listener);
    expect(await subscriberCount('room:3')).toBe(1);

    await nodeB.publish('room:3', 'to both');
    await vi.waitFor(() => {
      expect(first.messages).toEqual(['to both']);
      expect(second.messages).toEqual(['to both']);
    });

    await unsubscribeFirst();
    await unsubscribeFirst(); // idempotent: must not remove the other listener
    expect(await subscriberCount('room:3')).toBe(1);
    await nodeB.publish('room:3', 'to second');
    await vi.waitFor(() => expect(second.messages).toEqual(['to both', 'to second']));
    expect(first.messages).toEqual(['to both']);

    await unsubscribeSecond();
    expect(await subscriberCount('room:3')).toBe(0);
  });

  it('publishes a batch to several channels in one pipeline', async () => {
    const onX = collector();
    const onY = collector();
    await nodeB.subscribe('user:x', onX.listener);
    await nodeB.subscribe('user:y', onY.listener);
    await nodeA.publishMany([
      { channel: 'user:x', message: 'x1' },
      { channel: 'user:y', message: 'y1' },
      { channel: 'user:x', message: 'x2' },
    ]);
    await vi.waitFor(() => {
      expect(onX.messages).toEqual(['x1', 'x2']);
      expect(onY.messages).toEqual(['y1']);
    });
  });

  it('hands raw listeners the bytes as published, next to text listeners of the same channel', async () => {
    const text = collector();
    const raw: Buffer[] = [];
    await nodeB.subscribe('room:6', text.listener);
    await nodeB.subscribeBuffer('room:6', (message) => void raw.push(message));
    await nodeA.publish('room:6', 'héllo');
    await vi.waitFor(() => expect(raw).toHaveLength(1));
    expect(raw[0]).toBeInstanceOf(Buffer);
    expect(raw[0]!.equals(Buffer.from('héllo'))).toBe(true);
    expect(text.messages).toEqual(['héllo']);
  });

  it('keeps delivering to other listeners when one throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const node = new RealtimeFanout({ redisUrl: testRedisUrl, prefix, onError: (err) => errors.push(err) });
    try {
      const healthy = collector();
      await node.subscribe('user:4', () => {
        throw new Error('socket gone');
      });
      await node.subscribe('user:4', healthy.listener);
      await nodeA.publish('user:4', 'still delivered');
      await vi.waitFor(() => expect(healthy.messages).toEqual(['still delivered']));
      expect(errors).toEqual([expect.objectContaining({ message: 'socket gone' })]);
    } finally {
      await node.close();
    }
  });

  it('answers ping, and rejects quickly when Redis is unreachable', async () => {
    await expect(nodeA.ping()).resolves.toBeUndefined();
    const errors: unknown[] = [];
    const offline = new RealtimeFanout({
      redisUrl: 'redis://127.0.0.1:1',
      prefix,
      onError: (err) => errors.push(err),
    });
    try {
      const started = Date.now();
      await expect(offline.publish('user:5', 'lost')).rejects.toThrow(/not reachable/);
      await expect(offline.subscribe('user:5', () => undefined)).rejects.toThrow(/not reachable/);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await offline.close();
    }
  });
});
