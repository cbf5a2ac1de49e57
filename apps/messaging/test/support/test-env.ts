import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Which storage the integration suite runs on: the machine's PostgreSQL (default) or embedded PGlite. */
export const testDb = process.env.TEST_DB === 'pglite' ? 'pglite' : 'postgres';
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Each test file gets its own schema and Redis prefix, so runs never collide. */
export function uniqueNamespace(label: string): { schema: string; redisPrefix: string } {
  const suffix = randomBytes(4).toString('hex');
  const schema = `t_${label.replace(/[^a-z0-9]/g, '_')}_${suffix}`.slice(0, 60);
  return { schema, redisPrefix: `ptest:${schema}` };
}

export function messagingEnv(
  ns: { schema: string; redisPrefix: string },
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DB_SCHEMA: ns.schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: ns.redisPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_HASH_PROFILE: 'fast-test',
    OUTBOX_POLL_INTERVAL_MS: '100',
    JWT_KEY_FILE: join(tmpdir(), `parley-test-key-${ns.schema}.json`),
    ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
    ...overrides,
  };
}
