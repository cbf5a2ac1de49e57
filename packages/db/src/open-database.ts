import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { assertValidSchemaName } from './schema.js';
import type { Database, OpenDatabaseOptions } from './types.js';

/**
 * Opens the service's database: a pg pool when `url` is given, otherwise an embedded PGlite.
 * Creates the schema if needed; every query then runs with search_path = <schema>, public.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  assertValidSchemaName(opts.schema);
  const { statementTimeoutMs } = opts;
  if (
    statementTimeoutMs !== undefined &&
    !(Number.isInteger(statementTimeoutMs) && statementTimeoutMs >= 0)
  ) {
    throw new Error(`Invalid statementTimeoutMs ${statementTimeoutMs}: expected a non-negative integer`);
  }
  return opts.url ? openPostgres({ ...opts, url: opts.url }) : openPglite(opts);
}
