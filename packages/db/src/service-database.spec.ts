import { describe, expect, it } from 'vitest';
import { randomSchemaName, testDatabaseUrl } from '../test/targets.js';
import { dropSchema } from './schema.js';
import { openServiceDatabase, type DatabaseLog } from './service-database.js';

function recordingLog() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const log: DatabaseLog = {
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
  return { log, lines };
}

describe('openServiceDatabase', () => {
  it('opens PostgreSQL at url, applies the migrations made for its schema and says it is ready', async () => {
    const schema = randomSchemaName('service_db_spec');
    const { log, lines } = recordingLog();
    const db = await openServiceDatabase(
      { url: testDatabaseUrl, pgliteDir: './unused', schema },
      (opened) => [{ version: 1, name: 'notes', sql: `CREATE TABLE ${opened.schema}.notes (body text)` }],
      log,
    );
    try {
      expect(db.kind).toBe('postgres');
      await db.query('INSERT INTO notes VALUES ($1)', ['kept']);
      expect((await db.query('SELECT body FROM notes')).rows).toEqual([{ body: 'kept' }]);
      expect(lines).toEqual([
        {
          level: 'info',
          fields: { database: expect.stringContaining(`schema ${schema}`), applied: [1] },
          message: 'database ready',
        },
      ]);
    } finally {
      await dropSchema(db);
      await db.close();
    }
  });

  it('throws the error of a migration that fails, and never says it is ready', async () => {
    const { log, lines } = recordingLog();
    await expect(
      openServiceDatabase(
        { pgliteDir: 'memory://', schema: randomSchemaName('service_db_fail') },
        [{ version: 1, name: 'broken', sql: 'CREATE TABLE (' }],
        log,
      ),
    ).rejects.toThrow(/broken|syntax/i);
    expect(lines.filter((l) => l.message === 'database ready')).toEqual([]);
  });
});
