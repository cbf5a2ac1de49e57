import { openDatabase, dropSchema } from '@parley/db';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config.js';
import { startMessaging, type RunningMessaging } from '../../src/bootstrap/create-app.js';
import { ApiClient } from './api-client.js';
import { messagingEnv, testDatabaseUrl, testDb, testRedisUrl, uniqueNamespace } from './test-env.js';

export interface MessagingUnderTest {
  running: RunningMessaging;
  api: ApiClient;
  url: string;
  ns: { schema: string; redisPrefix: string };
  stop(): Promise<void>;
}

/** Starts a real messaging service (HTTP + WebSocket on a free port) in its own schema and Redis prefix. */
export async function startMessagingUnderTest(
  label: string,
  overrides: Record<string, string> = {},
): Promise<MessagingUnderTest> {
  const ns = uniqueNamespace(label);
  const running = await startMessaging(loadConfig(messagingEnv(ns, overrides)));
  return {
    running,
    api: new ApiClient(running.url),
    url: running.url,
    ns,
    async stop() {
      await running.close();
      await cleanNamespace(ns);
    },
  };
}

export async function cleanNamespace(ns: { schema: string; redisPrefix: string }): Promise<void> {
  if (testDb === 'postgres') {
    const db = await openDatabase({ url: testDatabaseUrl, schema: ns.schema });
    await dropSchema(db);
    await db.close();
  }
  const redis = new Redis(testRedisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns.redisPrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
