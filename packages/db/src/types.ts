/** Rows plus the number of rows returned or affected by the statement. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that can run one parameterised SQL statement ($1, $2, ...). */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** What a transaction() callback runs its statements with. */
export interface TransactionExecutor extends SqlExecutor {
  /**
   * Queues a write whose result nobody reads, to run when the transaction commits: after every query the
   * callback made, in the order queued. On PostgreSQL the queued writes leave with COMMIT in one network
   * write and one round trip. A failed one fails the commit: transaction() rejects with its error and
   * nothing of the transaction is kept.
   */
  queryAtCommit(sql: string, params?: unknown[]): void;
}

export interface Database extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** The service's schema; every connection runs with search_path = <schema>, public. */
  readonly schema: string;
  /**
   * Runs fn inside BEGIN/COMMIT; ROLLBACK and rethrow if fn throws.
   * Use only `tx` inside fn: on PGlite (one connection) calling the database itself would deadlock.
   * On PostgreSQL, BEGIN leaves with fn's first statement, and COMMIT with the writes fn queued with
   * `queryAtCommit`; a transaction that ran nothing sends nothing.
   */
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T>;
  /** SELECT 1; throws if the database is unreachable or closed. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://... ; when absent an embedded PGlite is used. */
  url?: string;
  /** Directory for PGlite data (created recursively); 'memory://' or undefined means in-memory. */
  pgliteDir?: string;
  /** Service schema, /^[a-z_][a-z0-9_]{0,62}$/; created if missing. */
  schema: string;
  /** pg pool size (default 10). Ignored by PGlite, which has a single connection. */
  poolSize?: number;
  /** Per-statement timeout. Applied on postgres only: PGlite cannot interrupt a running statement. */
  statementTimeoutMs?: number;
  /**
   * V8 heap limit, in MB, of PGlite's thread (default: Node's). A query whose results overflow it stops
   * that thread, not the process, and the thread is reopened. Ignored by postgres.
   */
  pgliteHeapLimitMb?: number;
  /**
   * Receives connection errors that happen outside any query (e.g. an idle pooled connection dropped,
   * PGlite's thread stopping or failing to reopen).
   */
  onError?: (err: Error) => void;
}

export interface Migration {
  version: number;
  name: string;
  /** May contain several statements; runs in one transaction with the schema migration row. */
  sql: string;
}

/**
 * Internal: the executor handed to transaction() callbacks can also run multi-statement scripts
 * (simple query protocol), which migrations need. Not part of the public API.
 */
export interface ScriptExecutor extends TransactionExecutor {
  execScript(sql: string): Promise<void>;
}

export function isScriptExecutor(executor: SqlExecutor): executor is ScriptExecutor {
  return typeof (executor as Partial<ScriptExecutor>).execScript === 'function';
}
