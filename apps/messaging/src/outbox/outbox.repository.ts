import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import { DATABASE } from '../infrastructure/tokens.js';

export interface OutboxRow {
  id: number;
  event_id: string;
  topic: string;
  payload: unknown;
}

@Injectable()
export class OutboxRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Claims a batch for a while instead of holding a transaction across the network call, so several
   * relays (one per node) never publish the same rows at once, and a crashed relay's claim expires.
   */
  async claimBatch(limit: number, claimSeconds: number): Promise<OutboxRow[]> {
    const { rows } = await this.db.query<OutboxRow>(
      `UPDATE outbox SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM outbox
         WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, event_id, topic, payload`,
      [limit, claimSeconds],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async markPublished(ids: number[]): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  async releaseClaim(ids: number[], error: string): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET claimed_until = NULL, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, error.slice(0, 1000)],
    );
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    return rows[0]?.n ?? 0;
  }

  /** Published rows are only kept for inspection for a while. */
  async deletePublishedBefore(hours: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)`,
      [hours],
    );
    return rowCount;
  }
}
