import pg from 'pg';
import { createSchemaIfMissing, quoteIdent } from './schema.js';
import { pgTypeParsers } from './type-parsers.js';
import type { Database, OpenDatabaseOptions, QueryResult, ScriptExecutor, SqlExecutor } from './types.js';

const DEFAULT_POOL_SIZE = 10;
// Without a connect timeout pg waits for the OS TCP timeout, so ping() against a dead host hangs for minutes.
const CONNECT_TIMEOUT_MS = 10_000;

type Queryable = pg.Pool | pg.PoolClient;

async function runQuery<R>(target: Queryable, sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
  // Always the extended protocol, like PGlite's query(): one statement per call and the same
  // parameter typing on both drivers. (queryMode is supported by pg but missing from @types/pg.)
  const config: pg.QueryConfig & { queryMode: 'extended' } = {
    text: sql,
    values: params,
    queryMode: 'extended',
  };
  const result = await target.query(config);
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}

/** search_path (and statement_timeout) as startup options, so every pooled connection has them from birth. */
function startupOptions(schema: string, statementTimeoutMs: number | undefined): string {
  const settings = [`-c search_path=${quoteIdent(schema)},public`];
  if (statementTimeoutMs !== undefined) settings.push(`-c statement_timeout=${statementTimeoutMs}`);
  return settings.join(' ');
}

/**
 * pg lets parameters in the URL override the config object, so a URL that already carries
 * `options` would silently drop our search_path. Merge ours into it in that case.
 */
function connectionConfig(url: string, options: string): Pick<pg.PoolConfig, 'connectionString' | 'options'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, options };
  }
  const existing = parsed.searchParams.get('options');
  if (existing === null) return { connectionString: url, options };
  parsed.searchParams.set('options', `${existing} ${options}`);
  return { connectionString: parsed.toString() };
}

function rolledBackInsteadOfCommitted(): Error {
  return Object.assign(
    new Error('Transaction was rolled back instead of committed: a statement in it failed'),
    {
      code: '25P02', // in_failed_sql_transaction, the code PGlite uses for the same case
    },
  );
}

function openTransactionExecutor(client: pg.PoolClient): { tx: ScriptExecutor; finish(): void } {
  let finished = false;
  const assertOpen = () => {
    if (finished) throw new Error('Transaction is closed: use tx only inside the transaction() callback');
  };
  const tx: ScriptExecutor = {
    query: async <R>(sql: string, params?: unknown[]) => {
      assertOpen();
      return runQuery<R>(client, sql, params);
    },
    execScript: async (sql: string) => {
      assertOpen();
      await client.query(sql); // simple protocol: allows several statements
    },
  };
  return { tx, finish: () => (finished = true) };
}

export async function openPostgres(options: OpenDatabaseOptions & { url: string }): Promise<Database> {
  const { url, schema, statementTimeoutMs, onError } = options;
  const pool = new pg.Pool({
    ...connectionConfig(url, startupOptions(schema, statementTimeoutMs)),
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: pgTypeParsers,
  });
  // An idle pooled connection can die at any time (server restart, network); without a listener
  // the 'error' event would crash the process. The pool discards the client by itself.
  const reportError = (err: Error) => onError?.(err);
  pool.on('error', reportError);

  async function transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A checked-out client has no pool listener; its errors while idle inside fn are ours to handle.
    client.on('error', reportError);
    let brokenConnection: Error | undefined;
    try {
      try {
        await client.query('BEGIN');
      } catch (err) {
        brokenConnection = err as Error;
        throw err;
      }
      const { tx, finish } = openTransactionExecutor(client);
      try {
        const result = await fn(tx);
        const commit = await client.query('COMMIT');
        // If fn swallowed a failed statement, Postgres answers COMMIT with ROLLBACK instead of an
        // error. Report it like PGlite does rather than pretend the work was saved.
        if (commit.command === 'ROLLBACK') throw rolledBackInsteadOfCommitted();
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => (brokenConnection = rollbackErr));
        throw err;
      } finally {
        finish();
      }
    } finally {
      client.off('error', reportError);
      // Passing an error destroys the client instead of returning a connection in an unknown state.
      client.release(brokenConnection);
    }
  }

  let closing: Promise<void> | undefined;
  const database: Database = {
    kind: 'postgres',
    schema,
    query: (sql, params) => runQuery(pool, sql, params),
    transaction,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => (closing ??= pool.end()),
  };

  try {
    await createSchemaIfMissing(database, schema);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  return database;
}
