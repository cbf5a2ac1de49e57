// The one place the tests start the messaging service: in this process (startMessaging with a config from
// loadConfig) or as a child process of the built dist/main.js. A change to either entry point is adapted
// here only.
import { fileURLToPath } from 'node:url';
import {
  allocateTestNamespace,
  freePort,
  startService,
  testDatabaseUrl,
  testDb,
  testRedisUrl,
  type ServiceProcess,
  type TestNamespace,
} from '@parley/testing';
import { loadConfig } from '../../src/config/config.js';
import { startMessaging, type RunningMessaging } from '../../src/bootstrap/create-app.js';
import { ApiClient } from './api-client.js';

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The service's environment in a test namespace: its schema, Redis prefix and a signing key file of its own. */
export function messagingEnv(
  ns: TestNamespace,
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
    // Suites sign up and log in hundreds of users from one address; the limits have tests of their own.
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    JWT_KEY_FILE: ns.tempFile('signing-key.json'),
    // Uploads go to the namespace's temporary directory, never into the working tree.
    ATTACHMENT_DIR: ns.tempFile('attachments'),
    ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
    ...overrides,
  };
}

export interface MessagingUnderTest {
  running: RunningMessaging;
  api: ApiClient;
  url: string;
  ns: TestNamespace;
  stop(): Promise<void>;
}

/** Starts a real messaging service (HTTP + WebSocket on a free port) in its own schema and Redis prefix. */
export async function startMessagingUnderTest(
  label: string,
  overrides: Record<string, string> = {},
): Promise<MessagingUnderTest> {
  const ns = allocateTestNamespace(label);
  let running: RunningMessaging;
  try {
    running = await startMessaging(loadConfig(messagingEnv(ns, overrides)));
  } catch (err) {
    await ns.cleanup();
    throw err;
  }
  return {
    running,
    api: new ApiClient(running.url),
    url: running.url,
    ns,
    async stop() {
      try {
        await running.close();
      } finally {
        await ns.cleanup();
      }
    },
  };
}

/** The built service as a child process in `ns`; several such processes share one deployment. */
export async function startMessagingProcess(
  ns: TestNamespace,
  overrides: Record<string, string> = {},
): Promise<{ api: ApiClient; service: ServiceProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startService({
    name: 'messaging',
    main: mainJs,
    env: messagingEnv(ns, { PORT: String(port), LOG_LEVEL: 'warn', ...overrides }),
    healthUrl: `${url}/health`,
    // Opening embedded PGlite from disk can take tens of seconds on a busy machine.
    startTimeoutMs: 120_000,
  });
  return { api: new ApiClient(url), service };
}
