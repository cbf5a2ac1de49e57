import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, openDatabase } from '@parley/db';
import { Redis } from 'ioredis';
import { testDatabaseUrl, testDb, testRedisUrl } from './environment.js';

/** The names one test file's services run under. */
export interface TestNamespaceNames {
  /** PostgreSQL schema, `t_<label>_<8 hex>`. */
  schema: string;
  /** Redis key prefix, `ptest:<schema>`; every key the services write starts with it. */
  redisPrefix: string;
  /** A private temporary directory for key files and the like. */
  dir: string;
}

export interface TestNamespaceOptions {
  /**
   * The PostgreSQL whose schema `cleanup()` drops, or null when the run has nothing to drop (embedded
   * PGlite lives in memory). Defaults to the test database when TEST_DB is postgres, else null.
   */
  databaseUrl?: string | null;
  /** The Redis whose keys `cleanup()` deletes. */
  redisUrl?: string;
}

export interface TestNamespace extends TestNamespaceNames {
  /** A path inside the namespace's directory (the file is not created); removed by `cleanup()`. */
  tempFile(name: string): string;
  /** Drops the schema, deletes the Redis keys (SCAN, never KEYS) and removes the directory. Idempotent. */
  cleanup(): Promise<void>;
}

const SCHEMA_MAX = 63;

/**
 * Directories of namespaces allocated by this process and not cleaned up yet. A test that times out or a
 * run that is interrupted never reaches cleanup(); the directory (a signing key among others) is still
 * removed when the process exits. The schema and keys need a connection, which exit does not allow.
 */
const uncleanedDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of uncleanedDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh schema, Redis prefix and temporary directory for one test file, so parallel and repeated runs
 * never see each other's rows, keys or signing keys. Call `cleanup()` in `afterAll`.
 */
export function allocateTestNamespace(label: string, options: TestNamespaceOptions = {}): TestNamespace {
  const suffix = randomBytes(4).toString('hex');
  // Trim the label, not the random suffix: a long label must not make two files share a schema.
  const room = SCHEMA_MAX - 't__'.length - suffix.length;
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, room);
  const schema = `t_${safeLabel}_${suffix}`;
  const names = {
    schema,
    redisPrefix: `ptest:${schema}`,
    dir: mkdtempSync(join(tmpdir(), `parley-${schema}-`)),
  };
  uncleanedDirs.add(names.dir);
  return adoptTestNamespace(names, options);
}

/**
 * The same handle for names chosen elsewhere, e.g. by a Playwright config that must agree on them across
 * processes. The directory is created if missing.
 */
export function adoptTestNamespace(
  names: TestNamespaceNames,
  options: TestNamespaceOptions = {},
): TestNamespace {
  const databaseUrl =
    options.databaseUrl === undefined
      ? testDb === 'postgres'
        ? testDatabaseUrl
        : null
      : options.databaseUrl;
  const redisUrl = options.redisUrl ?? testRedisUrl;
  mkdirSync(names.dir, { recursive: true });
  let cleaned: Promise<void> | undefined;
  return {
    ...names,
    tempFile: (name) => join(names.dir, name),
    cleanup: () =>
      (cleaned ??= cleanTestNamespace(names, { databaseUrl, redisUrl }).finally(() =>
        uncleanedDirs.delete(names.dir),
      )),
  };
}

/** Removes what a namespace left behind; tries every part and reports all failures together. */
export async function cleanTestNamespace(
  names: TestNamespaceNames,
  options: { databaseUrl: string | null; redisUrl: string },
): Promise<void> {
  const results = await Promise.allSettled([
    options.databaseUrl ? dropTestSchema(options.databaseUrl, names.schema) : Promise.resolve(),
    deleteRedisKeys(options.redisUrl, names.redisPrefix),
    Promise.resolve().then(() => rmSync(names.dir, { recursive: true, force: true })),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0)
    throw new AggregateError(failures, `cleaning up test namespace ${names.schema} failed`);
}

async function dropTestSchema(databaseUrl: string, schema: string): Promise<void> {
  const db = await openDatabase({ url: databaseUrl, schema });
  try {
    await dropSchema(db);
  } finally {
    await db.close();
  }
}

/** Deletes every key starting with `prefix`, walking with SCAN so a busy Redis is never blocked. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (/[*?[\]\\]/.test(prefix)) throw new Error(`a Redis prefix with glob characters: ${prefix}`);
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
