import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomSchemaName, testDatabaseUrl, testTargets } from '../test/targets.js';
import { dropSchema, isUniqueViolation, openDatabase, type Database } from './index.js';

describe.each(testTargets)('Database on $kind', (target) => {
  const schema = randomSchemaName('db_spec');
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase(target.options(schema));
    // Unqualified names: they must land in the service schema through search_path.
    await db.query(`CREATE TABLE items (
      id bigserial PRIMARY KEY,
      sku text NOT NULL CONSTRAINT items_sku_key UNIQUE,
      qty int8 NOT NULL DEFAULT 0,
      attrs jsonb,
      due date,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await db.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await db.query('INSERT INTO counter (id, n) VALUES (1, 0)');
  });

  afterAll(async () => {
    await dropSchema(db);
    await db.close();
  });

  it('reports its kind and schema, and creates tables in that schema', async () => {
    expect(db.kind).toBe(target.kind);
    expect(db.schema).toBe(schema);
    const { rows } = await db.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'items' AND table_schema = $1`,
      [schema],
    );
    expect(rows).toEqual([{ table_schema: schema }]);
    const path = await db.query<{ schemas: string[] }>('SELECT current_schemas(false)::text[] AS schemas');
    expect(path.rows[0]?.schemas).toEqual([schema, 'public']);
  });

  it('runs parameterised queries and reports rowCount', async () => {
    const inserted = await db.query<{ sku: string; qty: number }>(
      'INSERT INTO items (sku, qty) VALUES ($1, $2), ($3, $4) RETURNING sku, qty',
      ['p-1', 3, 'p-2', 5],
    );
    expect(inserted.rowCount).toBe(2);
    expect(inserted.rows).toEqual([
      { sku: 'p-1', qty: 3 },
      { sku: 'p-2', qty: 5 },
    ]);

    const updated = await db.query('UPDATE items SET qty = qty + 1 WHERE sku = ANY($1::text[])', [
      ['p-1', 'p-2'],
    ]);
    expect(updated.rowCount).toBe(2);
    expect(updated.rows).toEqual([]);

    const selected = await db.query<{ qty: number }>('SELECT qty FROM items WHERE sku = $1', ['p-2']);
    expect(selected).toEqual({ rows: [{ qty: 6 }], rowCount: 1 });
  });

  it('returns int8 columns, count(*) and int8[] as numbers', async () => {
    await db.query('INSERT INTO items (sku, qty) VALUES ($1, $2)', ['big', 9_007_199_254_740_991]);
    const { rows } = await db.query<{ id: unknown; qty: unknown }>(
      'SELECT id, qty FROM items WHERE sku = $1',
      ['big'],
    );
    expect(typeof rows[0]?.id).toBe('number');
    expect(rows[0]?.qty).toBe(Number.MAX_SAFE_INTEGER);

    const counted = await db.query<{ total: unknown; ids: unknown }>(
      `SELECT count(*) AS total, array_agg(qty ORDER BY qty) AS ids FROM items WHERE sku IN ('p-1', 'p-2')`,
    );
    expect(counted.rows).toEqual([{ total: 2, ids: [4, 6] }]);

    const nested = await db.query<{ ints: unknown; days: unknown }>(
      `SELECT '{{1,NULL},{3,4}}'::int8[] AS ints, ARRAY['2024-01-31'::date, NULL] AS days`,
    );
    expect(nested.rows).toEqual([
      {
        ints: [
          [1, null],
          [3, 4],
        ],
        days: ['2024-01-31', null],
      },
    ]);
  });

  it('refuses int8 values a JS number cannot hold exactly', async () => {
    await expect(db.query(`SELECT 9007199254740993::int8 AS too_big`)).rejects.toThrow(RangeError);
    // The connection stays usable afterwards.
    await expect(db.query<{ ok: number }>('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
  });

  it('round-trips jsonb, and returns timestamptz as Date and date as YYYY-MM-DD', async () => {
    const attrs = { colour: 'red', sizes: [1, 2, 3], nested: { on: true, none: null } };
    const before = Date.now();
    await db.query('INSERT INTO items (sku, attrs, due) VALUES ($1, $2, $3)', ['json', attrs, '2024-02-29']);
    const { rows } = await db.query<{ attrs: unknown; due: unknown; created_at: unknown }>(
      'SELECT attrs, due, created_at FROM items WHERE sku = $1',
      ['json'],
    );
    expect(rows[0]?.attrs).toEqual(attrs);
    expect(rows[0]?.due).toBe('2024-02-29');
    expect(rows[0]?.created_at).toBeInstanceOf(Date);
    expect(Math.abs((rows[0]?.created_at as Date).getTime() - before)).toBeLessThan(60_000);

    // A JSON array must be passed pre-serialised: pg would otherwise send it as a Postgres array.
    const array = await db.query<{ value: unknown }>('SELECT $1::jsonb AS value', [JSON.stringify(['a', 1])]);
    expect(array.rows[0]?.value).toEqual(['a', 1]);
  });

  it('commits a transaction and returns its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO items (sku) VALUES ($1)', ['tx-commit']);
      const { rows } = await tx.query<{ total: number }>(
        `SELECT count(*) AS total FROM items WHERE sku = 'tx-commit'`,
      );
      return rows[0]?.total;
    });
    expect(result).toBe(1);
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['tx-commit']);
    expect(rowCount).toBe(1);
  });

  it('rolls back when the callback throws and rethrows the same error', async () => {
    const failure = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (sku) VALUES ($1)', ['tx-rollback']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['tx-rollback']);
    expect(rowCount).toBe(0);
  });

  it('rolls back when a statement fails inside the transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (sku) VALUES ($1)', ['tx-dup']);
        await tx.query('INSERT INTO items (sku) VALUES ($1)', ['tx-dup']);
      }),
    ).rejects.toSatisfy((err) => isUniqueViolation(err, 'items_sku_key'));
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['tx-dup']);
    expect(rowCount).toBe(0);
  });

  it('rejects, not commits, a transaction whose failed statement was swallowed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (sku) VALUES ($1)', ['tx-swallowed']);
        await tx.query('SELECT 1 / 0').catch(() => undefined);
        return 'looks fine';
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['tx-swallowed']);
    expect(rowCount).toBe(0);
  });

  it('runs the writes queued for the commit after the callback, in order, and keeps them', async () => {
    const order = await db.transaction(async (tx) => {
      tx.queryAtCommit('INSERT INTO items (sku) VALUES ($1)', ['at-commit-1']);
      tx.queryAtCommit(`UPDATE items SET attrs = '{"second":true}' WHERE sku = $1`, ['at-commit-1']);
      // Queued, not run: the callback's own reads do not see them yet.
      const { rowCount } = await tx.query('SELECT 1 FROM items WHERE sku = $1', ['at-commit-1']);
      return rowCount;
    });
    expect(order).toBe(0);
    const { rows } = await db.query<{ attrs: unknown }>('SELECT attrs FROM items WHERE sku = $1', [
      'at-commit-1',
    ]);
    expect(rows).toEqual([{ attrs: { second: true } }]);
  });

  it('commits writes queued by a callback that ran no statement of its own', async () => {
    await db.transaction(async (tx) => {
      tx.queryAtCommit('INSERT INTO items (sku) VALUES ($1)', ['at-commit-only']);
    });
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['at-commit-only']);
    expect(rowCount).toBe(1);
  });

  it('fails the commit with the error of a queued write, and keeps nothing of the transaction', async () => {
    await db.query('INSERT INTO items (sku) VALUES ($1)', ['at-commit-taken']);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (sku) VALUES ($1)', ['at-commit-before']);
        tx.queryAtCommit('INSERT INTO items (sku) VALUES ($1)', ['at-commit-taken']);
        tx.queryAtCommit('INSERT INTO items (sku) VALUES ($1)', ['at-commit-after']);
      }),
    ).rejects.toSatisfy((err) => isUniqueViolation(err, 'items_sku_key'));
    const { rows } = await db.query<{ sku: string }>(
      `SELECT sku FROM items WHERE sku = ANY($1) ORDER BY sku`,
      [['at-commit-before', 'at-commit-taken', 'at-commit-after']],
    );
    expect(rows.map((r) => r.sku)).toEqual(['at-commit-taken']);
    // The connection is fine afterwards.
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).resolves.toMatchObject({ rowCount: 1 });
  });

  it('does not run queued writes when the callback throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.queryAtCommit('INSERT INTO items (sku) VALUES ($1)', ['at-commit-thrown']);
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    const { rowCount } = await db.query('SELECT 1 FROM items WHERE sku = $1', ['at-commit-thrown']);
    expect(rowCount).toBe(0);
  });

  it('rolls back when the first statement of a transaction fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1 / 0');
      }),
    ).rejects.toMatchObject({ code: '22012' });
    // Had the transaction begun with that statement been left open, the connection (the pool hands out
    // the one released last) would answer 25P02 here.
    await expect(db.query<{ ok: number }>('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
  });

  it('does not let tx be used after the transaction ended', async () => {
    let leaked: { query(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/closed/i);
  });

  it('keeps 20 concurrent transactions from interleaving', async () => {
    const seen = await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>(
            'UPDATE counter SET n = n + 1 WHERE id = 1 RETURNING n',
          );
          // Give a competing transaction the chance to interleave if isolation were broken.
          await tx.query('SELECT pg_sleep(0.005)');
          return rows[0]!.n;
        }),
      ),
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { rows } = await db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]?.n).toBe(20);
  });

  it('detects unique violations, optionally by constraint name', async () => {
    await db.query('INSERT INTO items (sku) VALUES ($1)', ['unique']);
    const err = await db.query('INSERT INTO items (sku) VALUES ($1)', ['unique']).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'items_sku_key')).toBe(true);
    expect(isUniqueViolation(err, 'items_pkey')).toBe(false);

    const notUnique = await db.query('INSERT INTO items (sku) VALUES (NULL)').catch((e: unknown) => e);
    expect((notUnique as { code?: string }).code).toBe('23502');
    expect(isUniqueViolation(notUnique)).toBe(false);
  });

  it('answers ping()', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});

describe.each(testTargets)('openDatabase lifecycle on $kind', (target) => {
  it('fails ping() once closed, and close() is idempotent', async () => {
    const db = await openDatabase(target.options(randomSchemaName('life_spec')));
    await expect(db.ping()).resolves.toBeUndefined();
    await dropSchema(db);
    await db.close();
    await expect(db.ping()).rejects.toThrow();
    await expect(db.close()).resolves.toBeUndefined();
  });
});

describe('postgres connection failures', () => {
  const schema = randomSchemaName('conn_spec');
  let db: Database;
  let admin: Database;
  const onError = vi.fn<(err: Error) => void>();

  beforeAll(async () => {
    db = await openDatabase({ url: testDatabaseUrl, schema, poolSize: 2, onError });
    admin = await openDatabase({ url: testDatabaseUrl, schema });
  });

  afterAll(async () => {
    await dropSchema(admin);
    await Promise.all([db.close(), admin.close()]);
  });

  async function killBackend(pid: number): Promise<void> {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  }

  it('reports a dropped idle connection via onError instead of crashing, then recovers', async () => {
    onError.mockClear();
    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await killBackend(rows[0]!.pid);
    await vi.waitFor(() => expect(onError).toHaveBeenCalled());
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('fails a transaction whose connection dies mid-way, then recovers', async () => {
    onError.mockClear();
    await expect(
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await killBackend(rows[0]!.pid);
        await vi.waitFor(() => expect(onError).toHaveBeenCalled());
        await tx.query('SELECT 1');
      }),
    ).rejects.toThrow();
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).resolves.toMatchObject({ rowCount: 1 });
  });
});

describe('openDatabase options', () => {
  it.each(['', 'Messaging', '1abc', 'has-dash', 'a'.repeat(64), 'x; DROP SCHEMA public', 'sch"ema'])(
    'rejects invalid schema name %j',
    async (schema) => {
      await expect(openDatabase({ schema })).rejects.toThrow(/invalid schema name/i);
      await expect(openDatabase({ url: testDatabaseUrl, schema })).rejects.toThrow(/invalid schema name/i);
    },
  );

  it('rejects a negative statement timeout', async () => {
    await expect(openDatabase({ schema: 'ok', statementTimeoutMs: -1 })).rejects.toThrow(
      /statementTimeoutMs/,
    );
  });

  it('applies statementTimeoutMs on postgres', async () => {
    const db = await openDatabase({
      url: testDatabaseUrl,
      schema: randomSchemaName('timeout_spec'),
      statementTimeoutMs: 100,
    });
    try {
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await dropSchema(db);
      await db.close();
    }
  });

  it('fails fast when postgres is unreachable', async () => {
    await expect(
      openDatabase({ url: 'postgres://postgres@127.0.0.1:1/test', schema: 'unreachable' }),
    ).rejects.toThrow();
  });

  it('creates a missing PGlite directory and keeps data across reopen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-db-'));
    const pgliteDir = join(root, 'nested', 'messaging');
    try {
      const first = await openDatabase({ pgliteDir, schema: 'messaging' });
      expect(first.kind).toBe('pglite');
      await first.query('CREATE TABLE notes (body text)');
      await first.query('INSERT INTO notes VALUES ($1)', ['persisted']);
      await first.close();

      const second = await openDatabase({ pgliteDir, schema: 'messaging' });
      expect((await second.query('SELECT body FROM notes')).rows).toEqual([{ body: 'persisted' }]);
      await second.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('throws instead of deadlocking when PGlite is used inside its own transaction', async () => {
    const db = await openDatabase({ schema: randomSchemaName('deadlock_spec') });
    try {
      await expect(db.transaction(() => db.query('SELECT 1'))).rejects.toThrow(/use the tx argument/);
      await expect(db.transaction(() => db.transaction(async () => 1))).rejects.toThrow(
        /use the tx argument/,
      );
      // Outside the callback the database works normally again.
      await expect(db.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
    } finally {
      await db.close();
    }
  });
});
