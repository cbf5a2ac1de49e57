import { fileURLToPath } from 'node:url';
import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { progress } from '../lib/report.mjs';

const MAIN_JS = fileURLToPath(new URL('../../../apps/messaging/dist/main.js', import.meta.url));
const PINO_WARN = 40;

export const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = 'redis://127.0.0.1:6379';

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Starts the built messaging service as a child process in a schema, Redis prefix and key directory of
 * its own, and returns it with stop(), which also drops the schema, deletes the keys and the directory.
 * `extraEnv` adds to (or overrides) the service's environment, e.g. machine clients in OAUTH_CLIENTS.
 */
export async function startMessagingService(extraEnv = {}) {
  const ns = allocateTestNamespace('bench', { databaseUrl, redisUrl });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    // startService passes only PATH from this process: a stray JWT_PRIVATE_JWK or OAUTH_CLIENTS in the
    // caller's shell must not leak in.
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: ns.schema,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: ns.redisPrefix,
    // Readiness is /health, so nothing below a warning needs to be logged; those are echoed.
    LOG_LEVEL: 'warn',
    PASSWORD_HASH_PROFILE: 'fast-test',
    JWT_KEY_FILE: ns.tempFile('signing-key.json'),
    // A benchmark measures throughput, not the rate limits (they have tests of their own).
    RATE_LIMIT_SIGNUP_PER_HOUR: '100000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000000',
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '100000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    ...extraEnv,
  };

  // Never throws, so a failed clean-up cannot hide the error that ended the run; resolves to true when clean.
  let service;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      const result = await service?.stop();
      try {
        await ns.cleanup();
      } catch (err) {
        for (const e of err.errors ?? [err]) progress(`CLEAN-UP FAILED: ${e.message}`);
        return false;
      }
      progress(
        `stopped the service (${result?.signal ?? `exit ${result?.code}`}), dropped schema ${ns.schema} and keys ${ns.redisPrefix}*`,
      );
      return true;
    })());

  try {
    await startService({
      name: 'messaging',
      main: MAIN_JS,
      env,
      healthUrl: `${url}/health`,
      onOutputLine: (line) => {
        const entry = parseJson(line);
        if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[messaging] ${line}\n`);
      },
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  progress(`messaging (pid ${service.child.pid}) listening on 127.0.0.1:${port} (schema ${ns.schema})`);
  return { url, port, schema: ns.schema, redisPrefix: ns.redisPrefix, exited: service.exited, stop };
}
