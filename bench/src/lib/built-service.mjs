import { allocateTestNamespace, freePort, startService } from '@parley/testing';
import { progress } from './report.mjs';

export const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = 'redis://127.0.0.1:6379';

const PINO_WARN = 40;

/** Echoes a service's warnings and errors (and anything that is not a pino line) to stderr, tagged with its name. */
export function echoWarnings(name) {
  return (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (!entry || entry.level >= PINO_WARN) process.stderr.write(`[${name}] ${line}\n`);
  };
}

/**
 * Starts a built service (`node <mainJs>`) as a child process on a free port, in a schema, Redis prefix
 * and key directory of its own, and resolves once `/health` answers. `redisPrefix` puts it on another
 * service's prefix instead (they share the bus); only its own namespace is cleaned up. `env` (an object,
 * or a function of `{ ns, url }`) adds to or overrides the common environment.
 *
 * `database: 'pglite'` leaves DATABASE_URL unset, so the service runs embedded PGlite, with its data
 * directory (PGLITE_DIR) inside the namespace's temporary directory: fresh for the run, removed with it.
 *
 * stop() stops the child and drops the schema, keys and directory; it never throws, so a failed clean-up
 * cannot hide the error that ended the run, and resolves to true when everything was cleaned.
 */
export async function startBuiltService({
  name,
  mainJs,
  label = `bench_${name}`,
  redisPrefix,
  env = {},
  database = 'postgres',
  startTimeoutMs = database === 'pglite' ? 90_000 : 30_000,
}) {
  if (database !== 'postgres' && database !== 'pglite')
    throw new Error(`startBuiltService: database must be 'postgres' or 'pglite', got ${database}`);
  const pglite = database === 'pglite';
  const ns = allocateTestNamespace(label, { databaseUrl: pglite ? null : databaseUrl, redisUrl });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = {
    // startService passes only PATH from this process: a stray signing key or client secret in the
    // caller's shell must not leak in.
    PORT: String(port),
    HOST: '127.0.0.1',
    ...(pglite ? { PGLITE_DIR: ns.tempFile('pglite') } : { DATABASE_URL: databaseUrl }),
    DB_SCHEMA: ns.schema,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix ?? ns.redisPrefix,
    // Readiness is /health, so nothing below a warning needs to be logged; those are echoed.
    LOG_LEVEL: 'warn',
    ...(typeof env === 'function' ? env({ ns, url }) : env),
  };

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
      const dropped = pglite ? `removed its PGlite directory` : `dropped schema ${ns.schema}`;
      progress(
        `stopped ${name} (${result?.signal ?? `exit ${result?.code}`}), ${dropped} and keys ${ns.redisPrefix}*`,
      );
      return true;
    })());

  try {
    await startService({
      name,
      main: mainJs,
      env: fullEnv,
      // PGlite creates and migrates its database in the service's own process: slower on a busy machine.
      startTimeoutMs,
      // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it stops (open it in Chrome
      // DevTools or speedscope) — the way to find what limits a figure.
      nodeArgs: process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [],
      healthUrl: `${url}/health`,
      onOutputLine: echoWarnings(name),
      onSpawn: (spawned) => (service = spawned),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  progress(
    `${name} (pid ${service.child.pid}) listening on 127.0.0.1:${port} (${pglite ? `PGlite in ${fullEnv.PGLITE_DIR}, ` : ''}schema ${ns.schema})`,
  );
  return {
    url,
    port,
    /** The service's process id, to sample its memory (/proc/<pid>/status). */
    pid: service.child.pid,
    schema: ns.schema,
    redisPrefix: fullEnv.REDIS_PREFIX,
    database,
    exited: service.exited,
    stop,
  };
}
