import { adoptTestNamespace, allocateTestNamespace, type TestNamespaceNames } from '@parley/testing';

/**
 * Playwright evaluates the config in the runner and again in every worker: the runner allocates the suite's
 * schema, Redis prefix and key directory, and the workers inherit the names through the environment, so
 * every process agrees on one namespace.
 */
function suiteNames(): TestNamespaceNames {
  const {
    PARLEY_E2E_SCHEMA: schema,
    PARLEY_E2E_REDIS_PREFIX: redisPrefix,
    PARLEY_E2E_DIR: dir,
  } = process.env;
  if (schema && redisPrefix && dir) return { schema, redisPrefix, dir };
  const { schema: s, redisPrefix: p, dir: d } = allocateTestNamespace('e2e');
  process.env.PARLEY_E2E_SCHEMA = s;
  process.env.PARLEY_E2E_REDIS_PREFIX = p;
  process.env.PARLEY_E2E_DIR = d;
  return { schema: s, redisPrefix: p, dir: d };
}

export const e2eNamespace = adoptTestNamespace(suiteNames());

/**
 * The voice proxy's own schema in the suite's database (each service keeps its migrations in its schema, so it
 * cannot share messaging's); the Redis prefix stays the suite's, since both services meet on that event bus.
 */
export const voiceProxyNamespace = adoptTestNamespace({
  schema: `${e2eNamespace.schema}_voice`,
  redisPrefix: e2eNamespace.redisPrefix,
  dir: e2eNamespace.dir,
});

/** The webhook gateway's schema, as the voice proxy's: its own migrations, the suite's Redis prefix (its bus). */
export const webhookGatewayNamespace = adoptTestNamespace({
  schema: `${e2eNamespace.schema}_gateway`,
  redisPrefix: e2eNamespace.redisPrefix,
  dir: e2eNamespace.dir,
});
