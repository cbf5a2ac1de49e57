import type { SqlExecutor } from '@parley/db';
import type { PushSubscriptionRecord, PushSubscriptionRequest } from '@parley/protocol';
import type { PushTarget } from './web-push-sender.js';

interface SubscriptionRow {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Date;
}

export interface StoredSubscription extends PushTarget {
  id: string;
}

const toRecord = (row: SubscriptionRow): PushSubscriptionRecord => ({
  id: row.id,
  endpoint: row.endpoint,
  createdAt: row.created_at.toISOString(),
});

/** The push_subscriptions table: each user's browsers. */
export class PushSubscriptionsRepository {
  /**
   * Registers a browser for a user; registering the same endpoint again keeps the row (and its id) and takes
   * the new keys. The endpoint leaves any other user: a browser gets the notifications of whoever
   * subscribed it last, never of the person who used it before.
   */
  async upsert(
    tx: SqlExecutor,
    id: string,
    userId: string,
    req: PushSubscriptionRequest,
  ): Promise<PushSubscriptionRecord> {
    await tx.query('DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id <> $2', [
      req.endpoint,
      userId,
    ]);
    const { rows } = await tx.query<SubscriptionRow>(
      `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, expiration_time)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, endpoint)
         DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, expiration_time = EXCLUDED.expiration_time
       RETURNING id, endpoint, p256dh, auth, created_at`,
      [id, userId, req.endpoint, req.keys.p256dh, req.keys.auth, req.expirationTime ?? null],
    );
    return toRecord(rows[0]!);
  }

  async listOf(db: SqlExecutor, userId: string): Promise<PushSubscriptionRecord[]> {
    const { rows } = await db.query<SubscriptionRow>(
      `SELECT id, endpoint, p256dh, auth, created_at FROM push_subscriptions
       WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toRecord);
  }

  async targetsOf(db: SqlExecutor, userId: string): Promise<StoredSubscription[]> {
    const { rows } = await db.query<SubscriptionRow>(
      'SELECT id, endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id',
      [userId],
    );
    return rows.map((r) => ({ id: r.id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth }));
  }

  /** Deletes the user's own subscription; false when there is none of theirs with that id. */
  async deleteOwn(db: SqlExecutor, userId: string, id: string): Promise<boolean> {
    const { rowCount } = await db.query('DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return rowCount > 0;
  }

  async delete(db: SqlExecutor, id: string): Promise<void> {
    await db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
  }
}
