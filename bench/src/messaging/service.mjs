import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSchema, openDatabase } from '@parley/db';
import { freePort, spawnLoggingProcess } from '../lib/child-process.mjs';
import { deleteKeys } from '../lib/redis-keys.mjs';
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
 * Starts the built messaging service as a child process in a schema and Redis prefix of its own, and
 * returns it with stop(), which also drops the schema and deletes the keys.
 */
export async function startMessagingService() {
  const id = randomBytes(4).toString('hex');
  const schema = `bench_${id}`;
  const redisPrefix = `bench:${id}`;
  const keyDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const env = {
    // A clean environment: a stray JWT_PRIVATE_JWK or OAUTH_CLIENTS in the caller's shell must not leak in.
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: schema,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    // `info`, not `warn`: the readiness line `messaging listening` is logged at info. The service logs
    // nothing per request at info, so this does not slow the hot path; we only echo warnings and worse.
    LOG_LEVEL: 'info',
    PASSWORD_HASH_PROFILE: 'fast-test',
    JWT_KEY_FILE: join(keyDir, 'signing-key.json'),
  };
  const proc = spawnLoggingProcess(MAIN_JS, {
    env,
    onLine: (line) => {
      const entry = parseJson(line);
      if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[messaging] ${line}\n`);
    },
  });

  // Never throws, so a failed clean-up cannot hide the error that ended the run; resolves to true when clean.
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      const result = await proc.stop();
      rmSync(keyDir, { recursive: true, force: true });
      const failures = await cleanUp({ schema, redisPrefix });
      for (const err of failures) progress(`CLEAN-UP FAILED: ${err.message}`);
      if (failures.length === 0)
        progress(
          `stopped the service (${result.signal ?? `exit ${result.code}`}), dropped schema ${schema} and keys ${redisPrefix}*`,
        );
      return failures.length === 0;
    })());

  try {
    await proc.waitForLine((line) => parseJson(line)?.msg === 'messaging listening', 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  progress(`messaging (pid ${proc.child.pid}) listening on 127.0.0.1:${port} (schema ${schema})`);
  return { url: `http://127.0.0.1:${port}`, port, schema, redisPrefix, exited: proc.exited, stop };
}

/** Drops the schema and deletes every Redis key under the prefix; tries both and returns what failed. */
async function cleanUp({ schema, redisPrefix }) {
  const results = await Promise.allSettled([dropBenchSchema(schema), deleteKeys(redisUrl, redisPrefix)]);
  return results.filter((r) => r.status === 'rejected').map((r) => r.reason);
}

async function dropBenchSchema(schema) {
  const db = await openDatabase({ url: databaseUrl, schema });
  try {
    await dropSchema(db);
  } finally {
    await db.close();
  }
}
