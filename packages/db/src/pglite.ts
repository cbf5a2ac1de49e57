import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PgliteThread } from './pglite/client.js';
import { createSchemaIfMissing, quoteIdent } from './schema.js';
import type {
  Database,
  OpenDatabaseOptions,
  QueryResult,
  ScriptExecutor,
  TransactionExecutor,
} from './types.js';

const IN_MEMORY = 'memory://';

/** Absolute data directory, or undefined for an in-memory database. */
function dataDirectory(pgliteDir: string | undefined): string | undefined {
  if (pgliteDir === undefined || pgliteDir === IN_MEMORY) return undefined;
  return resolve(pgliteDir);
}

/**
 * Embedded PostgreSQL (PGlite) in a thread of its own (pglite/worker.ts): its engine runs beside the
 * service's event loop, and each query crosses threads as a message. One connection, as before. A thread
 * that stops is opened again on the same directory (pglite/client.ts).
 */
export async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const { schema } = options;
  const dataDir = dataDirectory(options.pgliteDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const thread = new PgliteThread({
    dataDir,
    heapLimitMb: options.pgliteHeapLimitMb,
    onError: options.onError,
  });

  // PGlite has one connection and queues every query behind an open transaction, so calling
  // the database (instead of tx) inside transaction() would wait forever. Detect it and throw.
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  const assertNotInsideTransaction = () => {
    if (insideTransaction.getStore()?.open) {
      throw new Error('Database used inside its own transaction() callback; use the tx argument instead');
    }
  };

  let nextTransaction = 1;
  async function transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    assertNotInsideTransaction();
    const tx = nextTransaction++;
    // Resolves once PGlite's transaction lock is ours: concurrent callers queue there.
    await thread.call({ op: 'begin', tx });
    const queued: Array<{ sql: string; params: unknown[] | undefined }> = [];
    const executor: ScriptExecutor = {
      query: async <R>(sql: string, params?: unknown[]) =>
        (await thread.call({ op: 'txQuery', tx, sql, params })) as QueryResult<R>,
      queryAtCommit: (sql: string, params?: unknown[]) => {
        queued.push({ sql, params });
      },
      execScript: async (sql: string) => {
        await thread.call({ op: 'txExec', tx, sql });
      },
    };
    const marker = { open: true };
    let result: T;
    try {
      result = await insideTransaction.run(marker, () => fn(executor));
    } catch (err) {
      marker.open = false;
      // The callback's error is the one to report, even if the thread is gone by now.
      await thread.call({ op: 'end', tx, commit: false, queued: [] }).catch(() => undefined);
      throw err;
    }
    marker.open = false; // promises fn left behind may outlive the transaction
    // The queued writes run in order, then COMMIT; a failed one rolls everything back.
    await thread.call({ op: 'end', tx, commit: true, queued });
    return result;
  }

  let closing: Promise<void> | undefined;
  const database: Database = {
    kind: 'pglite',
    schema,
    query: async <R>(sql: string, params?: unknown[]) => {
      assertNotInsideTransaction();
      return (await thread.call({ op: 'query', sql, params })) as QueryResult<R>;
    },
    transaction,
    ping: async () => {
      await database.query('SELECT 1');
    },
    close: () => (closing ??= thread.close()),
  };

  try {
    await thread.open();
    await createSchemaIfMissing(database, schema);
    // One session per thread: set once, and again if the thread is reopened.
    await thread.setSession(`SET search_path TO ${quoteIdent(schema)}, public`);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  return database;
}
