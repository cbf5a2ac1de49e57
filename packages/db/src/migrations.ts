import { quoteIdent } from './schema.js';
import { isScriptExecutor, type Database, type Migration, type SqlExecutor } from './types.js';

const MAX_VERSION = 2_147_483_647; // schema_migrations.version is a Postgres int

/** Copies, checks and sorts migrations; throws before touching the database if they are inconsistent. */
function orderedMigrations(migrations: Migration[]): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const migration of migrations) {
    const { version, name } = migration;
    if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
      throw new Error(
        `Invalid migration version ${version} (${name}): expected an integer 1..${MAX_VERSION}`,
      );
    }
    const clash = byVersion.get(version);
    if (clash) {
      throw new Error(`Duplicate migration version ${version}: "${clash.name}" and "${name}"`);
    }
    byVersion.set(version, migration);
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/**
 * Serialises migration runs per schema across processes sharing one Postgres. A transaction-scoped
 * advisory lock is released by COMMIT/ROLLBACK, so a crashed runner cannot leave it held.
 */
async function lockMigrations(tx: SqlExecutor, schema: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`parley-db-migrations:${schema}`]);
}

async function execScript(tx: SqlExecutor, sql: string): Promise<void> {
  if (!isScriptExecutor(tx)) throw new Error('runMigrations needs a Database created by openDatabase()');
  await tx.execScript(sql);
}

/**
 * Applies every migration not yet recorded in <schema>.schema_migrations, in ascending version,
 * each in its own transaction together with its bookkeeping row. Safe to call on every start.
 */
export async function runMigrations(db: Database, migrations: Migration[]): Promise<{ applied: number[] }> {
  const pending = orderedMigrations(migrations);
  const table = `${quoteIdent(db.schema)}.schema_migrations`;

  const alreadyApplied = await db.transaction(async (tx) => {
    await lockMigrations(tx, db.schema);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${table} (
         version int PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${table}`);
    return new Set(rows.map((row) => row.version));
  });

  const applied: number[] = [];
  for (const migration of pending) {
    if (alreadyApplied.has(migration.version)) continue;
    const didApply = await db.transaction(async (tx) => {
      await lockMigrations(tx, db.schema);
      // Another process may have applied it while we waited for the lock.
      const existing = await tx.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
      if (existing.rowCount > 0) return false;
      try {
        await execScript(tx, migration.sql);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(
          `Migration ${migration.version} (${migration.name}) failed in schema ${db.schema}: ${reason}`,
          {
            cause: err,
          },
        );
      }
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return { applied };
}
