import { randomBytes, randomUUID } from 'node:crypto';
import type { OpenDatabaseOptions } from '@parley/db';
import { Topics } from '@parley/event-bus';
import { Redis } from 'ioredis';
import type { OutboxEntry } from '../src/index.js';

/** The machine's PostgreSQL and Redis; CI can point elsewhere. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every suite runs once per driver, with the same SQL and the same assertions. */
export const testTargets: Array<{
  kind: 'postgres' | 'pglite';
  options(schema: string): OpenDatabaseOptions;
}> = [
  { kind: 'postgres', options: (schema) => ({ url: testDatabaseUrl, schema }) },
  { kind: 'pglite', options: (schema) => ({ pgliteDir: 'memory://', schema }) },
];

/** A schema or key prefix of its own per suite, so parallel runs never see each other's rows or keys. */
export function uniqueName(label: string): string {
  return `${label}_${randomBytes(5).toString('hex')}`;
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
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

/** A `conversation.read` event that fits its protocol schema. */
export function readEvent(): OutboxEntry {
  const eventId = randomUUID();
  return {
    topic: Topics.conversationRead,
    eventId,
    payload: {
      id: eventId,
      conversationId: randomUUID(),
      seq: 3,
      type: 'conversation.read',
      actorId: randomUUID(),
      createdAt: new Date().toISOString(),
      payload: { userId: randomUUID(), seq: 2 },
    },
  };
}
