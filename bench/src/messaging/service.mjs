import { fileURLToPath } from 'node:url';
import { startBuiltService } from '../lib/built-service.mjs';

export { databaseUrl, redisUrl } from '../lib/built-service.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/messaging/dist/main.js', import.meta.url));

/**
 * Starts the built messaging service as a child process in a schema, Redis prefix and key directory of
 * its own, and returns it with stop(), which also drops the schema, deletes the keys and the directory.
 * `extraEnv` adds to (or overrides) the service's environment, e.g. machine clients in OAUTH_CLIENTS.
 * `{ database: 'pglite' }` runs it on embedded PGlite in a fresh directory (removed by stop()) instead of
 * PostgreSQL.
 */
export function startMessagingService(extraEnv = {}, { database = 'postgres', name = 'messaging' } = {}) {
  return startBuiltService({
    name,
    mainJs: MAIN_JS,
    label: 'bench',
    database,
    env: ({ ns }) => ({
      PASSWORD_HASH_PROFILE: 'fast-test',
      JWT_KEY_FILE: ns.tempFile('signing-key.json'),
      // A benchmark measures throughput, not the rate limits (they have tests of their own).
      RATE_LIMIT_SIGNUP_PER_HOUR: '100000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '100000000',
      RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
      ...extraEnv,
    }),
  });
}
