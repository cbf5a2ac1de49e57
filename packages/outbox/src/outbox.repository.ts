import type { Database, SqlExecutor } from '@parley/db';
import { toBusEvent, type Topic } from '@parley/event-bus';
import { outboxTableName } from './outbox-table.js';

/** One event to publish once the transaction that stores it has committed. */
export interface OutboxEntry {
  topic: Topic;
  /** The event id: the bus job id, so a row published twice still runs each handler once. */
  eventId: string;
  payload: unknown;
}

export interface OutboxRow {
  id: number;
  event_id: string;
  topic: string;
  payload: unknown;
  /** When the transaction that stored the row ran: the event's `occurredAt` on the bus. */
  created_at: Date;
  /** The request that stored it, carried in the bus event's metadata. */
  request_id: string | null;
}

/**
 * A rejected row stays pending with a claim that never expires, so no relay picks it up again, and its reason
 * in `last_error`. The table needs no extra column for it, which keeps tables created before this existed
 * (messaging's own migration) usable as they are.
 */
const rejectedUntil = 'infinity';

/** The SQL of a service's outbox table (in the schema of the `Database` it is given). */
export class OutboxRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = outboxTableName(db.schema);
  }

  /**
   * Stores entries inside the caller's transaction (`tx`), so they commit or roll back with the fact they
   * announce. Each is checked against the bus contract first (known topic, usable id, payload parsed with
   * its protocol schema): a bad one throws here, failing the transaction, instead of lingering in the table.
   */
  async enqueue(tx: SqlExecutor, entries: OutboxEntry | readonly OutboxEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? (entries as readonly OutboxEntry[]) : [entries as OutboxEntry];
    if (list.length === 0) return;
    const params: unknown[] = [];
    const rows = list.map((entry) => {
      const event = toBusEvent({ topic: entry.topic, id: entry.eventId, payload: entry.payload });
      params.push(event.id, event.topic, JSON.stringify(event.payload), event.metadata?.requestId ?? null);
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n})`;
    });
    await tx.query(
      `INSERT INTO ${this.table} (event_id, topic, payload, request_id) VALUES ${rows.join(', ')}`,
      params,
    );
  }

  /**
   * Claims a batch for a while instead of holding a transaction across the network call, so several
   * relays (one per node) never publish the same rows at once, and a crashed relay's claim expires.
   */
  async claimBatch(limit: number, claimSeconds: number): Promise<OutboxRow[]> {
    const { rows } = await this.db.query<OutboxRow>(
      `UPDATE ${this.table} SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM ${this.table}
         WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, event_id, topic, payload, created_at, request_id`,
      [limit, claimSeconds],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async markPublished(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE ${this.table} SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Gives claimed rows back after a failed publish, keeping the reason for inspection. */
  async releaseClaim(ids: number[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE ${this.table} SET claimed_until = NULL, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, error.slice(0, 1000)],
    );
  }

  /** Sets aside rows the bus can never accept (unknown topic, unusable id, payload off its schema). */
  async reject(rows: Array<{ id: number; reason: string }>): Promise<void> {
    for (const row of rows) {
      await this.db.query(
        `UPDATE ${this.table} SET claimed_until = '${rejectedUntil}', last_error = $2 WHERE id = $1`,
        [row.id, row.reason.slice(0, 1000)],
      );
    }
  }

  /** Rows not published yet, rejected ones included: a number that keeps growing means lost side effects. */
  async pendingCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.table} WHERE published_at IS NULL`,
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Age in seconds of the oldest row still waiting to be published (0 when none waits). Rows set aside as
   * unpublishable are left out: they wait for a person, not for the relay.
   */
  async oldestPendingAgeSeconds(): Promise<number> {
    const { rows } = await this.db.query<{ age: number | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM ${this.table}
       WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until <> '${rejectedUntil}')`,
    );
    return Math.max(0, rows[0]?.age ?? 0);
  }

  /** Rejected rows, oldest first, with the reason the bus gave. */
  async listRejected(limit = 50): Promise<Array<OutboxRow & { last_error: string | null }>> {
    const { rows } = await this.db.query<OutboxRow & { last_error: string | null }>(
      `SELECT id, event_id, topic, payload, created_at, last_error FROM ${this.table}
       WHERE published_at IS NULL AND claimed_until = '${rejectedUntil}' ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  /** Published rows are only kept for inspection for a while. */
  async deletePublishedBefore(hours: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM ${this.table} WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)`,
      [hours],
    );
    return rowCount;
  }
}
