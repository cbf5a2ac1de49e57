import { randomUUID } from 'node:crypto';
import { dropSchema, openDatabase, runMigrations, type Database } from '@parley/db';
import { EventBus, InvalidPayloadError, Topics, type BusEvent, type PublishInput } from '@parley/event-bus';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteRedisKeys, testRedisUrl, testTargets, readEvent, uniqueName } from '../test/environment.js';
import {
  OutboxRelay,
  OutboxRepository,
  outboxTableMigration,
  type OutboxEntry,
  type OutboxLogger,
} from './index.js';

function recordingLogger(): OutboxLogger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    info: (_fields, message) => void lines.push({ level: 'info', message }),
    warn: (_fields, message) => void lines.push({ level: 'warn', message }),
    error: (_fields, message) => void lines.push({ level: 'error', message }),
  };
}

describe.each(testTargets)('outbox on $kind', (target) => {
  const schema = uniqueName('outbox_spec');
  const prefix = `parley-test-${schema}`;
  let db: Database;
  let outbox: OutboxRepository;
  let bus: EventBus;
  const received: BusEvent[] = [];

  async function store(entries: OutboxEntry[]): Promise<void> {
    await db.transaction((tx) => outbox.enqueue(tx, entries));
  }

  async function waitUntilReceived(eventId: string): Promise<void> {
    await vi.waitFor(() => expect(received.map((e) => e.id)).toContain(eventId), { timeout: 5_000 });
  }

  beforeAll(async () => {
    db = await openDatabase(target.options(schema));
    await runMigrations(db, [outboxTableMigration({ version: 1, schema })]);
    outbox = new OutboxRepository(db);
    bus = new EventBus({ redisUrl: testRedisUrl, prefix });
    await bus.subscribe('outbox-spec', {
      [Topics.conversationRead]: async (event) => void received.push(event),
    });
  });

  afterAll(async () => {
    await bus?.close();
    if (db) {
      await dropSchema(db);
      await db.close();
    }
    await deleteRedisKeys(prefix);
  });

  beforeEach(async () => {
    await db.query('DELETE FROM outbox');
  });

  it('creates its table in the schema it is given, once', async () => {
    const { rows } = await db.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox' AND table_schema = $1`,
      [schema],
    );
    expect(rows).toEqual([{ table_schema: schema }]);
    await expect(runMigrations(db, [outboxTableMigration({ version: 1, schema })])).resolves.toEqual({
      applied: [],
    });
    expect(() => outboxTableMigration({ version: 2, schema: 'Robert"); DROP' })).toThrow(
      /invalid schema name/,
    );
  });

  it("publishes what a committed transaction stored, once, with the row's time as occurredAt", async () => {
    const events = [readEvent(), readEvent()];
    await store(events);
    const { rows } = await db.query<{ event_id: string; created_at: Date }>(
      'SELECT event_id, created_at FROM outbox ORDER BY id',
    );
    expect(await outbox.pendingCount()).toBe(2);

    const relay = new OutboxRelay({ outbox, bus });
    await expect(relay.drain()).resolves.toBe(2);
    for (const event of events) await waitUntilReceived(event.eventId);

    const published = received.filter((e) => events.some((ev) => ev.eventId === e.id));
    expect(published.map((e) => [e.id, e.topic, e.occurredAt, e.payload])).toEqual(
      events.map((event, i) => [
        event.eventId,
        Topics.conversationRead,
        rows[i]?.created_at.toISOString(),
        event.payload,
      ]),
    );
    expect(await outbox.pendingCount()).toBe(0);
    await expect(relay.drain()).resolves.toBe(0);
  });

  it('stores nothing for a transaction that rolls back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await outbox.enqueue(tx, readEvent());
        throw new Error('the fact could not be stored');
      }),
    ).rejects.toThrow('the fact could not be stored');
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('refuses an entry the bus could never accept, failing the whole transaction', async () => {
    const good = readEvent();
    const offSchema = { ...readEvent(), payload: { seq: 'three' } };
    await expect(store([good, offSchema])).rejects.toThrow(InvalidPayloadError);
    await expect(store([{ ...readEvent(), topic: 'conversation.read.v0' as never }])).rejects.toThrow(
      /unknown topic "conversation\.read\.v0"/,
    );
    await expect(store([{ ...readEvent(), eventId: '12' }])).rejects.toThrow(/not usable as a job id/);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('runs no handler twice when rows are published again, or when two rows carry one event', async () => {
    const event = readEvent();
    await store([event, event]);
    const relay = new OutboxRelay({ outbox, bus });
    await expect(relay.drain()).resolves.toBe(2);
    // As after a crash between publishing and marking the rows published.
    await db.query('UPDATE outbox SET published_at = NULL, claimed_until = NULL');
    await expect(relay.drain()).resolves.toBe(2);

    const barrier = readEvent();
    await store([barrier]);
    await relay.drain();
    await waitUntilReceived(barrier.eventId);
    expect(received.filter((e) => e.id === event.eventId)).toHaveLength(1);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('keeps the rows while the bus is away, retrying with backoff, and publishes them once it is back', async () => {
    const events = [readEvent(), readEvent(), readEvent()];
    await store(events);
    let failing = true;
    const delivered: PublishInput[] = [];
    const flakyBus = {
      publishMany: async (inputs: PublishInput[]) => {
        if (failing) throw new Error('event bus: Redis is not reachable');
        delivered.push(...inputs);
      },
    };
    const logger = recordingLogger();
    const backoffs: number[] = [];
    const relay = new OutboxRelay({
      outbox,
      bus: flakyBus,
      logger,
      pollIntervalMs: 60_000,
      backoffMs: (failures) => {
        backoffs.push(failures);
        return 20;
      },
    });
    relay.start();
    try {
      await vi.waitFor(() => expect(backoffs.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
      const { rows } = await db.query<{ attempts: number; last_error: string; claimed_until: Date | null }>(
        'SELECT attempts, last_error, claimed_until FROM outbox ORDER BY id',
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.attempts).toBeGreaterThanOrEqual(1);
        expect(row.last_error).toBe('event bus: Redis is not reachable');
      }
      expect(backoffs.slice(0, 2)).toEqual([1, 2]);

      failing = false;
      await vi.waitFor(() => expect(delivered.map((d) => d.id)).toEqual(events.map((e) => e.eventId)), {
        timeout: 5_000,
      });
      await vi.waitFor(async () => expect(await outbox.pendingCount()).toBe(0), { timeout: 5_000 });
      expect(logger.lines.filter((l) => l.level === 'warn')[0]?.message).toBe(
        'outbox publish failed; will retry',
      );
      await vi.waitFor(() => expect(logger.lines.map((l) => l.message)).toContain('outbox relay recovered'));
    } finally {
      await relay.stop();
    }
  });

  it('sets aside a row the bus can never accept and publishes the rows behind it', async () => {
    // Rows written without `enqueue`, e.g. by an older release or by hand.
    await db.query(`INSERT INTO outbox (event_id, topic, payload) VALUES ($1, $2, $3::jsonb)`, [
      randomUUID(),
      Topics.conversationRead,
      JSON.stringify({ nope: true }),
    ]);
    await db.query(`INSERT INTO outbox (event_id, topic, payload) VALUES ($1, $2, $3::jsonb)`, [
      randomUUID(),
      'conversation.read.v0',
      JSON.stringify(readEvent().payload),
    ]);
    const good = readEvent();
    await store([good]);

    const logger = recordingLogger();
    const relay = new OutboxRelay({ outbox, bus, logger });
    await expect(relay.drain()).resolves.toBe(3);
    await waitUntilReceived(good.eventId);

    const rejected = await outbox.listRejected();
    expect(rejected.map((r) => r.topic)).toEqual([Topics.conversationRead, 'conversation.read.v0']);
    expect(rejected[0]?.last_error).toMatch(/does not match its schema/);
    expect(rejected[1]?.last_error).toMatch(/unknown topic "conversation\.read\.v0"/);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(2);
    // Still counted as pending (a side effect that did not happen), never claimed again.
    expect(await outbox.pendingCount()).toBe(2);
    await expect(relay.drain()).resolves.toBe(0);
  });

  it('lets two relays claim disjoint rows', async () => {
    await store(Array.from({ length: 10 }, () => readEvent()));
    const other = new OutboxRepository(db);
    const [a, b] = await Promise.all([outbox.claimBatch(6, 30), other.claimBatch(6, 30)]);
    const ids = [...a, ...b].map((row) => row.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    await expect(outbox.claimBatch(6, 30)).resolves.toEqual([]);
  });

  it('deletes published rows once they are older than the retention', async () => {
    await store([readEvent(), readEvent(), readEvent()]);
    await new OutboxRelay({ outbox, bus }).drain();
    await db.query(
      `UPDATE outbox SET published_at = now() - interval '25 hours' WHERE id = (SELECT min(id) FROM outbox)`,
    );
    await expect(outbox.deletePublishedBefore(24)).resolves.toBe(1);
    expect((await db.query('SELECT id FROM outbox')).rowCount).toBe(2);
  });

  it('stops after the publish in progress, so the database can close behind it', async () => {
    await store([readEvent()]);
    let release: () => void = () => undefined;
    let calls = 0;
    const slowBus = {
      publishMany: () => {
        calls += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const relay = new OutboxRelay({ outbox, bus: slowBus });
    relay.start();
    await vi.waitFor(() => expect(calls).toBe(1));

    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await outbox.pendingCount()).toBe(0);
  });
});
