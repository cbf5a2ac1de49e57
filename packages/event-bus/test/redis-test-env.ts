import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix of its own per test file, so files running in parallel (or a crashed run) never see each other. */
export function uniquePrefix(label: string): string {
  return `parley-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (BullMQ queues and the bus registry alike). */
export async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function adminRedis(): Redis {
  return new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
}
