import { describeDatabase } from './describe.js';
import { runMigrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import type { Database, Migration, OpenDatabaseOptions } from './types.js';

/** The `database` part of a service's config: PostgreSQL at `url`, or PGlite in `pgliteDir`. */
export interface ServiceDatabaseConfig {
  url?: string | undefined;
  pgliteDir: string;
  schema: string;
}

/** What the service logs through (its pino logger fits). */
export interface DatabaseLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A service's database, ready to use: opened, its migrations applied (a function of the opened database
 * when they depend on its schema), its connection errors and readiness logged. A failed migration closes
 * it again before the error is thrown. The caller closes it last, after everything that uses it.
 */
export async function openServiceDatabase(
  config: ServiceDatabaseConfig,
  migrations: Migration[] | ((db: Database) => Migration[]),
  log: DatabaseLog,
): Promise<Database> {
  const options: OpenDatabaseOptions = {
    url: config.url,
    pgliteDir: config.url ? undefined : config.pgliteDir,
    schema: config.schema,
    onError: (err) => log.error({ err }, 'database connection error'),
  };
  const db = await openDatabase(options);
  try {
    const { applied } = await runMigrations(
      db,
      typeof migrations === 'function' ? migrations(db) : migrations,
    );
    log.info({ database: describeDatabase(options), applied }, 'database ready');
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
