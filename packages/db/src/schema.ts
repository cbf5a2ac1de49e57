import { isUniqueViolation } from './errors.js';
import type { Database, SqlExecutor } from './types.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertValidSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name ${JSON.stringify(schema)}: expected ${SCHEMA_NAME.source}`);
  }
}

/** Quotes an identifier; validated schema names may still be reserved words such as "user". */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function createSchemaIfMissing(executor: SqlExecutor, schema: string): Promise<void> {
  try {
    await executor.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (err) {
    // Two processes creating the same schema at once: the loser gets a unique violation on
    // pg_namespace even with IF NOT EXISTS. The schema exists either way, which is all we need.
    if (!isUniqueViolation(err)) throw err;
  }
}

/** DROP SCHEMA <schema> CASCADE; meant for tests. */
export async function dropSchema(db: Database): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(db.schema)} CASCADE`);
}
