import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSchemaName, testDatabaseUrl, testTargets } from '../test/targets.js';
import { dropSchema, openDatabase, runMigrations, type Database, type Migration } from './index.js';

const createNotes: Migration = {
  version: 1,
  name: 'create_notes',
  // Several statements in one migration.
  sql: `CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
        CREATE INDEX notes_body_idx ON notes (body);`,
};
const seedNotes: Migration = {
  version: 2,
  name: 'seed_notes',
  sql: `INSERT INTO notes (body) VALUES ('welcome')`,
};
const addAuthor: Migration = {
  version: 3,
  name: 'add_author',
  sql: 'ALTER TABLE notes ADD COLUMN author text',
};

async function recordedMigrations(db: Database): Promise<{ version: number; name: string }[]> {
  const { rows } = await db.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  return rows;
}

describe.each(testTargets)('runMigrations on $kind', (target) => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase(target.options(randomSchemaName('mig_spec')));
  });

  afterAll(async () => {
    await dropSchema(db);
    await db.close();
  });

  it('applies pending migrations in ascending version order, each exactly once', async () => {
    await expect(runMigrations(db, [seedNotes, createNotes])).resolves.toEqual({ applied: [1, 2] });
    expect(await recordedMigrations(db)).toEqual([
      { version: 1, name: 'create_notes' },
      { version: 2, name: 'seed_notes' },
    ]);
    const { rows } = await db.query<{ applied_at: unknown }>('SELECT applied_at FROM schema_migrations');
    expect(rows.every((row) => row.applied_at instanceof Date)).toBe(true);

    // Re-running is a no-op: the seed row is not inserted twice.
    await expect(runMigrations(db, [createNotes, seedNotes])).resolves.toEqual({ applied: [] });
    expect((await db.query('SELECT body FROM notes')).rows).toEqual([{ body: 'welcome' }]);

    // A later deploy only applies what is new.
    await expect(runMigrations(db, [createNotes, seedNotes, addAuthor])).resolves.toEqual({ applied: [3] });
    await db.query('INSERT INTO notes (body, author) VALUES ($1, $2)', ['hi', 'ada']);
  });

  it('serialises concurrent runs against the same database', async () => {
    const counter: Migration = { version: 10, name: 'counter', sql: 'CREATE TABLE runs (n int)' };
    const bump: Migration = { version: 11, name: 'bump', sql: 'INSERT INTO runs VALUES (1)' };
    const results = await Promise.all([
      runMigrations(db, [counter, bump]),
      runMigrations(db, [counter, bump]),
    ]);
    expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual([10, 11]);
    expect((await db.query('SELECT n FROM runs')).rowCount).toBe(1);
  });

  it('rejects duplicate versions before applying anything', async () => {
    const first: Migration = { version: 20, name: 'first', sql: 'CREATE TABLE dup_a (id int)' };
    const second: Migration = { version: 20, name: 'second', sql: 'CREATE TABLE dup_b (id int)' };
    await expect(runMigrations(db, [first, second])).rejects.toThrow(
      'Duplicate migration version 20: "first" and "second"',
    );
    const versions = (await recordedMigrations(db)).map((row) => row.version);
    expect(versions).not.toContain(20);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 31])('rejects invalid version %s', async (version) => {
    await expect(runMigrations(db, [{ version, name: 'bad', sql: 'SELECT 1' }])).rejects.toThrow(
      /Invalid migration version/,
    );
  });

  it('rolls back a failing migration completely and keeps earlier ones', async () => {
    const good: Migration = { version: 30, name: 'good', sql: 'CREATE TABLE good (id int)' };
    const broken: Migration = {
      version: 31,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id int); SELECT 1 / 0;',
    };
    const error = await runMigrations(db, [good, broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/Migration 31 \(broken\) failed.*division by zero/);
    expect(((error as Error).cause as { code?: string }).code).toBe('22012');

    const versions = (await recordedMigrations(db)).map((row) => row.version);
    expect(versions).toContain(30);
    expect(versions).not.toContain(31);
    const { rows } = await db.query<{ half: string | null; good: string | null }>(
      `SELECT to_regclass('half_done')::text AS half, to_regclass('good')::text AS good`,
    );
    expect(rows).toEqual([{ half: null, good: 'good' }]);
  });
});

describe('runMigrations across processes on postgres', () => {
  it('applies each migration once when two services start at the same moment', async () => {
    const schema = randomSchemaName('mig_race');
    // Two pools stand in for two processes; opening them at once also races CREATE SCHEMA.
    const [a, b] = await Promise.all([
      openDatabase({ url: testDatabaseUrl, schema }),
      openDatabase({ url: testDatabaseUrl, schema }),
    ]);
    const migrations: Migration[] = [
      { version: 1, name: 'create', sql: 'CREATE TABLE started (at timestamptz DEFAULT now())' },
      // Slow enough that both runners overlap, and not idempotent: a double apply would add a row.
      { version: 2, name: 'slow_insert', sql: 'SELECT pg_sleep(0.2); INSERT INTO started DEFAULT VALUES;' },
    ];
    try {
      const [ra, rb] = await Promise.all([runMigrations(a, migrations), runMigrations(b, migrations)]);
      expect([...ra.applied, ...rb.applied].sort((x, y) => x - y)).toEqual([1, 2]);
      const { rows } = await a.query<{ total: number }>('SELECT count(*) AS total FROM started');
      expect(rows[0]?.total).toBe(1);
      expect((await b.query('SELECT version FROM schema_migrations')).rowCount).toBe(2);
    } finally {
      await dropSchema(a);
      await Promise.all([a.close(), b.close()]);
    }
  });
});
