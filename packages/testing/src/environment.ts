/**
 * Where the machine's test services are. Integration suites run against a real PostgreSQL and Redis;
 * these variables point them elsewhere (a CI container, another port).
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The storage an integration run uses: the machine's PostgreSQL (default) or embedded PGlite. */
export type TestDb = 'postgres' | 'pglite';
export const testDb: TestDb = process.env.TEST_DB === 'pglite' ? 'pglite' : 'postgres';
