// The one place the tests start terminal-core (loadConfig + startTerminalCore); a change to either is
// adapted here only.
import { testRedisUrl } from '@parley/testing';
import { loadConfig } from '../../src/config/config.js';
import { startTerminalCore, type RunningTerminalCore } from '../../src/bootstrap/create-app.js';

export type { RunningTerminalCore };

/** A core node on free ports, in a Redis prefix shared by the nodes of one deployment. */
export async function startCore(
  jwksUrl: string,
  redisPrefix: string,
  env: Record<string, string> = {},
): Promise<RunningTerminalCore> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    JWKS_URL: jwksUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PHONE_ANSWER_DELAY_MS: '100',
    ...env,
  });
  return startTerminalCore(config);
}
