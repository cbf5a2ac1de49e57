import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { createSchemaIfMissing, quoteIdent } from './schema.js';
import { pgliteParsers } from './type-parsers.js';
import type {
  Database,
  OpenDatabaseOptions,
  QueryResult,
  ScriptExecutor,
  TransactionExecutor,
} from './types.js';

const IN_MEMORY = 'memory://';

function toQueryResult<R>(result: Results<R>): QueryResult<R> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}

/** A transaction's executor, and the writes it queued for its commit (run in order before COMMIT). */
function transactionExecutor(tx: Transaction): { executor: ScriptExecutor; runQueued(): Promise<void> } {
  const queued: Array<{ sql: string; params: unknown[] | undefined }> = [];
  return {
    executor: {
      query: async <R>(sql: string, params?: unknown[]) => toQueryResult(await tx.query<R>(sql, params)),
      queryAtCommit: (sql: string, params?: unknown[]) => {
        queued.push({ sql, params });
      },
      execScript: async (sql: string) => {
        await tx.exec(sql); // simple protocol: allows several statements
      },
    },
    runQueued: async () => {
      for (const { sql, params } of queued.splice(0)) await tx.query(sql, params);
    },
  };
}

/** Absolute data directory, or undefined for an in-memory database. */
function dataDirectory(pgliteDir: string | undefined): string | undefined {
  if (pgliteDir === undefined || pgliteDir === IN_MEMORY) return undefined;
  return resolve(pgliteDir);
}

export async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const { schema } = options;
  const dataDir = dataDirectory(options.pgliteDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, parsers: pgliteParsers });

  // PGlite has one connection and queues every query behind an open transaction, so calling
  // the database (instead of tx) inside transaction() would wait forever. Detect it and throw.
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  const assertNotInsideTransaction = () => {
    if (insideTransaction.getStore()?.open) {
      throw new Error('Database used inside its own transaction() callback; use the tx argument instead');
    }
  };

  async function transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    assertNotInsideTransaction();
    // PGlite's own transaction() holds its lock until COMMIT/ROLLBACK, so concurrent callers queue.
    return pglite.transaction(async (tx) => {
      const marker = { open: true };
      const { executor, runQueued } = transactionExecutor(tx);
      try {
        const result = await insideTransaction.run(marker, () => fn(executor));
        await runQueued();
        return result;
      } finally {
        marker.open = false; // promises fn left behind may outlive the transaction
      }
    });
  }

  let closing: Promise<void> | undefined;
  const database: Database = {
    kind: 'pglite',
    schema,
    query: async <R>(sql: string, params?: unknown[]) => {
      assertNotInsideTransaction();
      return toQueryResult(await pglite.query<R>(sql, params));
    },
    transaction,
    ping: async () => {
      await database.query('SELECT 1');
    },
    close: () => (closing ??= pglite.close()),
  };

  try {
    await createSchemaIfMissing(database, schema);
    // One session for the life of the database, so setting it once covers every query.
    await pglite.exec(`SET search_path TO ${quoteIdent(schema)}, public`);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  return database;
}
