import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config.js';
import { startTerminalCore, type RunningTerminalCore } from '../../src/bootstrap/create-app.js';

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `ptest:tc-${label}-${randomBytes(4).toString('hex')}`;
}

/** A core node on free ports, in its own Redis prefix (shared by nodes of one deployment). */
export async function startCore(
  jwksUrl: string,
  prefix: string,
  env: Record<string, string> = {},
): Promise<RunningTerminalCore> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: prefix,
    JWKS_URL: jwksUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PHONE_ANSWER_DELAY_MS: '100',
    ...env,
  });
  return startTerminalCore(config);
}

export async function cleanPrefix(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
