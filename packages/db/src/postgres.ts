import pg from 'pg';
import { createSchemaIfMissing, quoteIdent } from './schema.js';
import { pgTypeParsers } from './type-parsers.js';
import type {
  Database,
  OpenDatabaseOptions,
  QueryResult,
  ScriptExecutor,
  TransactionExecutor,
} from './types.js';

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

/** A statement queued to run at commit. */
interface QueuedWrite {
  sql: string;
  params: unknown[] | undefined;
}

/**
 * Issues the queries `send` makes in one network write. The pool runs in pipeline mode, so each is on its way
 * without waiting for the one before; corking the socket makes them one write syscall as well.
 */
function inOneWrite<T>(client: pg.PoolClient, send: () => T): T {
  // `connection.stream` is the client's socket; pg itself corks it around each extended-protocol query.
  const stream = (client as pg.PoolClient & { connection?: { stream?: Partial<Corkable> } }).connection
    ?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * One transaction on a checked-out client. BEGIN is not sent on its own: it goes with the first statement,
 * and COMMIT goes with the writes queued for it, so a transaction of one read and one batch of writes costs
 * two round trips. `broken` is set when the connection itself failed and must not return to the pool.
 */
class PipelinedTransaction {
  private begun = false;
  private readonly atCommit: QueuedWrite[] = [];
  private finished = false;
  broken: Error | undefined;

  constructor(private readonly client: pg.PoolClient) {}

  readonly executor: ScriptExecutor = {
    query: async <R>(sql: string, params?: unknown[]) => {
      this.assertOpen();
      const [result] = await this.send(() => [runQuery<R>(this.client, sql, params)]);
      return result as QueryResult<R>;
    },
    queryAtCommit: (sql: string, params?: unknown[]) => {
      this.assertOpen();
      this.atCommit.push({ sql, params });
    },
    execScript: async (sql: string) => {
      this.assertOpen();
      await this.send(() => []); // BEGIN alone: a script is several statements in the simple protocol
      await this.client.query(sql);
    },
  };

  /** Sends the queued writes and COMMIT (with BEGIN if nothing was sent yet) together. */
  async commit(): Promise<void> {
    this.finished = true;
    if (!this.begun && this.atCommit.length === 0) return; // nothing ran, nothing to keep
    const results = await this.send(() => [
      ...this.atCommit.map(({ sql, params }) => runQuery(this.client, sql, params)),
      this.client.query('COMMIT'),
    ]);
    // If a statement failed without our knowing (fn swallowed its error), Postgres answers COMMIT with
    // ROLLBACK instead of an error. Report it like PGlite does rather than pretend the work was saved.
    const commit = results[results.length - 1] as pg.QueryResult;
    if (commit.command === 'ROLLBACK') throw rolledBackInsteadOfCommitted();
  }

  async rollback(): Promise<void> {
    this.finished = true;
    if (!this.begun) return;
    await this.client.query('ROLLBACK').catch((err: Error) => (this.broken = err));
  }

  /**
   * Sends the queries `issue` makes in one network write, after BEGIN when the transaction has not begun yet,
   * and waits for all of them. Throws the first failure (a failed BEGIN marks the connection broken);
   * otherwise returns the results of `issue`'s queries, in order.
   */
  private async send(issue: () => Array<Promise<unknown>>): Promise<unknown[]> {
    const withBegin = !this.begun;
    this.begun = true;
    const settled = await Promise.allSettled(
      inOneWrite(this.client, () => [...(withBegin ? [this.client.query('BEGIN')] : []), ...issue()]),
    );
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) {
      const error = (settled[failed] as PromiseRejectedResult).reason as Error;
      if (withBegin && failed === 0) this.broken = error;
      throw error;
    }
    return settled.slice(withBegin ? 1 : 0).map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  private assertOpen(): void {
    if (this.finished)
      throw new Error('Transaction is closed: use tx only inside the transaction() callback');
  }
}

export async function openPostgres(options: OpenDatabaseOptions & { url: string }): Promise<Database> {
  const { url, schema, statementTimeoutMs, onError } = options;
  const pool = new pg.Pool({
    ...connectionConfig(url, startupOptions(schema, statementTimeoutMs)),
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: pgTypeParsers,
    // A statement is sent without waiting for the answer to the one before, so a transaction's BEGIN and its
    // first statement (and its last writes and COMMIT) share one round trip.
    pipeline: true,
  });
  // An idle pooled connection can die at any time (server restart, network); without a listener
  // the 'error' event would crash the process. The pool discards the client by itself.
  const reportError = (err: Error) => onError?.(err);
  pool.on('error', reportError);

  async function transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A checked-out client has no pool listener; its errors while idle inside fn are ours to handle.
    client.on('error', reportError);
    const transaction = new PipelinedTransaction(client);
    try {
      let result: T;
      try {
        result = await fn(transaction.executor);
        await transaction.commit();
      } catch (err) {
        await transaction.rollback();
        throw err;
      }
      return result;
    } finally {
      client.off('error', reportError);
      // Passing an error destroys the client instead of returning a connection in an unknown state.
      client.release(transaction.broken);
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
