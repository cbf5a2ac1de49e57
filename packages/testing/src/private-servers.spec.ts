import { openDatabase } from '@parley/db';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

const started: Array<PrivateRedis | PrivatePostgres> = [];
afterAll(() => Promise.all(started.map((server) => server.cleanup())));

function client(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // a refused connection rejects connect(), which the test expects
  return redis;
}

async function readKey(url: string, key: string): Promise<string | null> {
  const redis = client(url);
  try {
    await redis.connect();
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

async function writeKey(url: string, key: string, value: string): Promise<void> {
  const redis = client(url);
  try {
    await redis.connect();
    await redis.set(key, value);
  } finally {
    redis.disconnect();
  }
}

describe('startPrivateRedis', () => {
  it('restarts on the same port; with an append-only file a key survives SIGKILL, without one it is gone', async () => {
    const durable = await startPrivateRedis({ appendOnly: true });
    const volatile = await startPrivateRedis();
    started.push(durable, volatile);
    for (const server of [durable, volatile]) await writeKey(server.url, 'k', 'v');

    for (const server of [durable, volatile]) {
      expect((await server.kill()).signal).toBe('SIGKILL');
      expect(server.running).toBe(false);
      await expect(readKey(server.url, 'k')).rejects.toThrow();
      await server.start();
    }
    expect(await readKey(durable.url, 'k')).toBe('v');
    expect(await readKey(volatile.url, 'k')).toBeNull();

    expect(await volatile.stop()).toEqual({ code: 0, signal: null });
    await volatile.start();
    expect(volatile.running).toBe(true);
  });
});

describe('startPrivatePostgres', () => {
  it('keeps committed rows across a crash and a clean stop, on the same port', async () => {
    const postgres = await startPrivatePostgres();
    started.push(postgres);
    const open = () => openDatabase({ url: postgres.url, schema: 'private_spec' });
    let db = await open();
    await db.query('CREATE TABLE kept (n int)');
    await db.query('INSERT INTO kept VALUES (1)');
    await db.close();

    await postgres.kill();
    expect(postgres.running).toBe(false);
    await postgres.start();
    await postgres.stop();
    await postgres.start();

    db = await open();
    try {
      expect((await db.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});
