import { dropSchema, openDatabase, runMigrations, type Database } from '@parley/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTargets, readEvent, uniqueName } from '../test/environment.js';
import { OutboxMetrics, OutboxRelay, OutboxRepository, outboxTableMigration } from './index.js';

describe.each(testTargets)('outbox metrics on $kind', (target) => {
  const schema = uniqueName('outbox_metrics');
  let db: Database;
  let outbox: OutboxRepository;
  const samplers = new Map<string, () => Promise<number>>();

  beforeAll(async () => {
    db = await openDatabase(target.options(schema));
    await runMigrations(db, [outboxTableMigration({ version: 1, schema })]);
    outbox = new OutboxRepository(db);
    // Never started: the samplers read the table whatever the relay is doing.
    new OutboxRelay({
      outbox,
      bus: { publishMany: async () => undefined },
      metrics: { sample: (def, read) => void samplers.set(def.name, read) },
    });
  });
  afterAll(async () => {
    if (db) {
      await dropSchema(db);
      await db.close();
    }
  });

  const read = (name: string) => samplers.get(name)!();

  it('reads the depth and the age of the oldest row still to publish, leaving rows set aside out of the lag', async () => {
    expect([await read(OutboxMetrics.pendingRows.name), await read(OutboxMetrics.lag.name)]).toEqual([0, 0]);
    await db.transaction((tx) => outbox.enqueue(tx, [readEvent(), readEvent(), readEvent()]));
    const { rows } = await db.query<{ id: number }>('SELECT id FROM outbox ORDER BY id');
    const [setAside, waiting, published] = rows.map((r) => r.id);
    await db.query(`UPDATE outbox SET created_at = now() - interval '1 hour' WHERE id = $1`, [setAside]);
    await db.query(`UPDATE outbox SET created_at = now() - interval '30 seconds' WHERE id = $1`, [waiting]);
    await outbox.reject([{ id: setAside!, reason: 'unknown topic' }]);
    await outbox.markPublished([published!]);

    expect(await read(OutboxMetrics.pendingRows.name)).toBe(2);
    const lag = await read(OutboxMetrics.lag.name);
    expect(lag).toBeGreaterThanOrEqual(30);
    expect(lag).toBeLessThan(60);
  });
});
