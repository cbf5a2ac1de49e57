// The one place the tests start the messaging service: in this process (startMessaging with a config from
// loadConfig) or as a child process of the built dist/main.js. A change to either entry point is adapted
// here only.
import { fileURLToPath } from 'node:url';
import {
  allocateTestNamespace,
  messagingTestEnv,
  startMessagingForTests,
  type ServiceProcess,
  type TestNamespace,
} from '@parley/testing';
import { loadConfig } from '../../src/config/config.js';
import { startMessaging, type RunningMessaging } from '../../src/bootstrap/create-app.js';
import { ApiClient } from './api-client.js';

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The service's environment in a test namespace: its schema, Redis prefix and a signing key file of its own
 * (the same environment other workspaces' tests start messaging with).
 */
export function messagingEnv(
  ns: TestNamespace,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return messagingTestEnv(ns, overrides);
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
  const { url, service } = await startMessagingForTests({
    label: ns.schema,
    ns,
    mainJs,
    env: { LOG_LEVEL: 'warn', ...overrides },
  });
  return { api: new ApiClient(url), service };
}
