import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isConnectionFailure, openDatabase, type Database } from '../index.js';

/**
 * A result of about 96 MB, past the thread's 48 MB heap: the thread stops with ERR_WORKER_OUT_OF_MEMORY,
 * as it would under a query too big for it in production, while the test's process goes on.
 */
const OVERSIZED = `SELECT repeat('x', 1000000) AS big FROM generate_series(1, 96)`;
const HEAP_LIMIT_MB = 48;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PGlite thread that stops', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(pgliteDir: string, errors: Error[]): Promise<Database> {
    const db = await openDatabase({
      pgliteDir,
      schema: 'restart_spec',
      pgliteHeapLimitMb: HEAP_LIMIT_MB,
      onError: (err) => errors.push(err),
    });
    cleanups.push(() => db.close());
    return db;
  }

  it(
    'is reopened on the same directory: work in flight fails as retryable, committed data and the session stay',
    { timeout: 120_000 },
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'parley-pglite-restart-'));
      cleanups.push(() => rm(root, { recursive: true, force: true }));
      const errors: Error[] = [];
      const db = await open(join(root, 'data'), errors);
      await db.query('CREATE TABLE notes (body text NOT NULL)');
      await db.query('INSERT INTO notes VALUES ($1)', ['committed']);

      const inTransaction = deferred();
      const stop = deferred();
      const reopened = deferred();
      let stopped: unknown;
      let afterReopen: unknown;
      const transaction = db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES ($1)', ['never committed']);
        inTransaction.resolve();
        await stop.promise;
        stopped = await tx.query(OVERSIZED).catch((err: unknown) => err);
        await reopened.promise;
        // Begun on the thread that stopped: it must not run on the new one.
        afterReopen = await tx
          .query('INSERT INTO notes VALUES ($1)', ['after the reopen'])
          .catch((err: unknown) => err);
      });
      await inTransaction.promise;
      // Waits in the thread behind the open transaction, so it is in flight when the thread stops.
      const queued = db.query('SELECT count(*)::int AS n FROM notes');
      stop.resolve();

      const lost = await queued.catch((err: unknown) => err);
      expect(isConnectionFailure(lost)).toBe(true);
      expect(lost).toMatchObject({ code: '57P02', message: expect.stringMatching(/PGlite thread stopped/) });
      expect(errors[0]?.message).toMatch(/memory limit/);

      // Calls made while the thread reopens wait for it, or fail as retryable until it is back.
      const notes = await vi.waitFor(
        () => db.query<{ body: string }>('SELECT body FROM notes ORDER BY body'),
        {
          timeout: 60_000,
          interval: 50,
        },
      );
      // The unqualified name resolves: the reopened session has the search_path again.
      expect(notes.rows).toEqual([{ body: 'committed' }]);
      expect(isConnectionFailure(stopped)).toBe(true);
      reopened.resolve();
      const ended = await transaction.catch((err: unknown) => err);
      expect(isConnectionFailure(afterReopen)).toBe(true);
      expect(isConnectionFailure(ended)).toBe(true);

      // The new thread takes writes and transactions as before.
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES ($1)', ['after']);
      });
      const after = await db.query<{ body: string }>('SELECT body FROM notes ORDER BY body');
      expect(after.rows).toEqual([{ body: 'after' }, { body: 'committed' }]);
    },
  );

  it(
    'in memory, is not reopened: its data went with it, so every later call fails as retryable',
    {
      timeout: 120_000,
    },
    async () => {
      const errors: Error[] = [];
      const db = await open('memory://', errors);
      await db.query('CREATE TABLE notes (body text NOT NULL)');
      const lost = await db.query(OVERSIZED).catch((err: unknown) => err);
      expect(isConnectionFailure(lost)).toBe(true);
      const later = await db.query('SELECT 1').catch((err: unknown) => err);
      expect(later).toMatchObject({
        code: '57P02',
        message: expect.stringMatching(/in-memory PGlite database is gone/),
      });
      expect(errors).toHaveLength(1);
    },
  );
});
