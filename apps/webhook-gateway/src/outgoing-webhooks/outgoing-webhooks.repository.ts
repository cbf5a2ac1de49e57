import type { SqlExecutor } from '@parley/db';
import type {
  OutgoingWebhookTopic,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookDeliveryStatus,
  WebhookEndpoint,
} from '@parley/protocol';
import { disabledNoticeReason, isDisabledNoticeOf, webhookIdOf } from './delivery-rules.js';

interface EndpointRow {
  id: string;
  client_id: string;
  url: string;
  topics: string[];
  description: string | null;
  max_concurrency: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  disabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  consecutive_failures: number;
  failing_since: Date | null;
  created_at: Date;
}

/** An endpoint with what only the gateway sees: its secrets and its failure streak. */
export interface StoredEndpoint {
  id: string;
  clientId: string;
  url: string;
  topics: OutgoingWebhookTopic[];
  description: string | null;
  maxConcurrency: number;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  disabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  createdAt: Date;
}

const toEndpoint = (row: EndpointRow): StoredEndpoint => ({
  id: row.id,
  clientId: row.client_id,
  url: row.url,
  topics: row.topics as OutgoingWebhookTopic[],
  description: row.description,
  maxConcurrency: row.max_concurrency,
  secret: row.secret,
  previousSecret: row.previous_secret,
  previousSecretExpiresAt: row.previous_secret_expires_at,
  disabled: row.disabled,
  disabledReason: row.disabled_reason,
  disabledAt: row.disabled_at,
  consecutiveFailures: row.consecutive_failures,
  failingSince: row.failing_since,
  createdAt: row.created_at,
});

/** What the client sees: never the secrets. */
export const publicEndpoint = (e: StoredEndpoint): WebhookEndpoint => ({
  id: e.id,
  url: e.url,
  topics: e.topics,
  description: e.description,
  maxConcurrency: e.maxConcurrency,
  disabled: e.disabled,
  disabledReason: e.disabledReason,
  disabledAt: e.disabledAt?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
  previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
});

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts_made: number;
  schedule_base: number;
  created_at: Date;
}

export interface StoredDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: OutgoingWebhookTopic;
  body: string;
  status: WebhookDeliveryStatus;
  attemptsMade: number;
  scheduleBase: number;
  createdAt: Date;
}

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  id: row.id,
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  eventType: row.event_type as OutgoingWebhookTopic,
  body: row.body,
  status: row.status,
  attemptsMade: row.attempts_made,
  scheduleBase: row.schedule_base,
  createdAt: row.created_at,
});

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: Date;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
}

export interface AttemptRecord {
  attempt: number;
  at: Date;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

const ENDPOINT_COLUMNS = `id, client_id, url, topics, description, max_concurrency, secret, previous_secret,
  previous_secret_expires_at, disabled, disabled_reason, disabled_at, consecutive_failures, failing_since, created_at`;
const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_type, body, status, attempts_made, schedule_base, created_at`;

/** The webhook_endpoints, webhook_deliveries and webhook_delivery_attempts tables. */
export class OutgoingWebhooksRepository {
  async insertEndpoint(
    tx: SqlExecutor,
    e: Pick<
      StoredEndpoint,
      'id' | 'clientId' | 'url' | 'topics' | 'description' | 'maxConcurrency' | 'secret'
    >,
  ): Promise<StoredEndpoint> {
    const { rows } = await tx.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (id, client_id, url, topics, description, max_concurrency, secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${ENDPOINT_COLUMNS}`,
      [e.id, e.clientId, e.url, e.topics, e.description, e.maxConcurrency, e.secret],
    );
    return toEndpoint(rows[0]!);
  }

  async endpointById(db: SqlExecutor, id: string): Promise<StoredEndpoint | undefined> {
    const { rows } = await db.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  async endpointsOf(db: SqlExecutor, clientId: string): Promise<StoredEndpoint[]> {
    const { rows } = await db.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE client_id = $1 ORDER BY created_at, id`,
      [clientId],
    );
    return rows.map(toEndpoint);
  }

  /** Enabled endpoints subscribed to any of `types`. */
  async enabledEndpointsFor(db: SqlExecutor, types: OutgoingWebhookTopic[]): Promise<StoredEndpoint[]> {
    const { rows } = await db.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE NOT disabled AND topics && $1::text[]`,
      [types],
    );
    return rows.map(toEndpoint);
  }

  /** Enabled endpoints of `clientId` subscribed to `type`, except `exceptId`. */
  async enabledEndpointsOfClientFor(
    db: SqlExecutor,
    clientId: string,
    type: OutgoingWebhookTopic,
    exceptId: string,
  ): Promise<StoredEndpoint[]> {
    const { rows } = await db.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
       WHERE client_id = $1 AND id <> $3 AND NOT disabled AND $2 = ANY(topics)
       ORDER BY created_at, id`,
      [clientId, type, exceptId],
    );
    return rows.map(toEndpoint);
  }

  /** Disables an enabled endpoint; undefined when it is gone or was already disabled. */
  async disableEndpoint(
    tx: SqlExecutor,
    id: string,
    reason: string,
    at: Date,
  ): Promise<StoredEndpoint | undefined> {
    const { rows } = await tx.query<EndpointRow>(
      `UPDATE webhook_endpoints SET disabled = true, disabled_reason = $2, disabled_at = $3
       WHERE id = $1 AND NOT disabled RETURNING ${ENDPOINT_COLUMNS}`,
      [id, reason, at],
    );
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  /** A delivery-log entry that is never sent (status `failed`, no attempts). */
  async insertLogEntry(
    tx: SqlExecutor,
    d: Pick<StoredDelivery, 'id' | 'endpointId' | 'eventId' | 'eventType' | 'body'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status)
       VALUES ($1, $2, $3, $4, $5, 'failed')
       ON CONFLICT DO NOTHING`,
      [d.id, d.endpointId, d.eventId, d.eventType, d.body],
    );
  }

  async updateEndpoint(
    tx: SqlExecutor,
    id: string,
    change: {
      url?: string;
      topics?: string[];
      description?: string | null;
      maxConcurrency?: number;
      disabled?: { reason: string | null; at: Date | null; value: boolean };
    },
  ): Promise<StoredEndpoint | undefined> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const set = (column: string, value: unknown): void => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (change.url !== undefined) set('url', change.url);
    if (change.topics !== undefined) set('topics', change.topics);
    if (change.description !== undefined) set('description', change.description);
    if (change.maxConcurrency !== undefined) set('max_concurrency', change.maxConcurrency);
    if (change.disabled !== undefined) {
      set('disabled', change.disabled.value);
      set('disabled_reason', change.disabled.reason);
      set('disabled_at', change.disabled.at);
      // A re-enabled endpoint starts a fresh failure streak.
      if (!change.disabled.value) sets.push('consecutive_failures = 0', 'failing_since = NULL');
    }
    if (sets.length === 0) return this.endpointById(tx, id);
    const { rows } = await tx.query<EndpointRow>(
      `UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      values,
    );
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  async rotateSecret(
    tx: SqlExecutor,
    id: string,
    secret: string,
    previousExpiresAt: Date,
  ): Promise<StoredEndpoint | undefined> {
    const { rows } = await tx.query<EndpointRow>(
      `UPDATE webhook_endpoints
       SET previous_secret = secret, previous_secret_expires_at = $3, secret = $2
       WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, secret, previousExpiresAt],
    );
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  /**
   * Locks the endpoint's row; false when it is gone. A transaction touching an endpoint's deliveries takes
   * this first, in the same order as a DELETE (endpoint, then its deliveries by cascade), so the two never
   * deadlock.
   */
  async lockEndpoint(tx: SqlExecutor, id: string): Promise<boolean> {
    const { rows } = await tx.query('SELECT id FROM webhook_endpoints WHERE id = $1 FOR UPDATE', [id]);
    return rows.length === 1;
  }

  async deleteEndpoint(tx: SqlExecutor, id: string): Promise<void> {
    await tx.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
  }

  /** A success ends the failure streak; a failure extends it. Returns the streak as it is now. */
  async recordOutcome(
    tx: SqlExecutor,
    endpointId: string,
    succeeded: boolean,
    at: Date,
  ): Promise<{ consecutiveFailures: number; failingSince: Date | null } | undefined> {
    const { rows } = await tx.query<{ consecutive_failures: number; failing_since: Date | null }>(
      succeeded
        ? `UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
           WHERE id = $1 RETURNING consecutive_failures, failing_since`
        : `UPDATE webhook_endpoints
           SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, $2)
           WHERE id = $1 RETURNING consecutive_failures, failing_since`,
      succeeded ? [endpointId] : [endpointId, at],
    );
    const row = rows[0];
    return row
      ? { consecutiveFailures: row.consecutive_failures, failingSince: row.failing_since }
      : undefined;
  }

  /** True when the row is new; false when the event already made it (a redelivered bus event). */
  async insertDelivery(
    tx: SqlExecutor,
    d: Pick<StoredDelivery, 'id' | 'endpointId' | 'eventId' | 'eventType' | 'body'>,
  ): Promise<boolean> {
    const { rows } = await tx.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status)
       VALUES ($1, $2, $3, $4, $5, 'pending')
       ON CONFLICT DO NOTHING RETURNING id`,
      [d.id, d.endpointId, d.eventId, d.eventType, d.body],
    );
    return rows.length === 1;
  }

  async deliveryById(db: SqlExecutor, id: string): Promise<StoredDelivery | undefined> {
    const { rows } = await db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  /** Records attempt `attempt` and the delivery's new status, unless that attempt is already recorded. */
  async recordAttempt(
    tx: SqlExecutor,
    deliveryId: string,
    attempt: AttemptRecord,
    status: WebhookDeliveryStatus,
  ): Promise<boolean> {
    const { rows } = await tx.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, at, response_status, duration_ms, error)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING attempt`,
      [deliveryId, attempt.attempt, attempt.at, attempt.responseStatus, attempt.durationMs, attempt.error],
    );
    if (rows.length === 0) return false;
    await tx.query(
      `UPDATE webhook_deliveries SET status = $2, attempts_made = GREATEST(attempts_made, $3) WHERE id = $1`,
      [deliveryId, status, attempt.attempt],
    );
    return true;
  }

  async setDeliveryStatus(tx: SqlExecutor, id: string, status: WebhookDeliveryStatus): Promise<void> {
    await tx.query('UPDATE webhook_deliveries SET status = $2 WHERE id = $1', [id, status]);
  }

  /** Starts a new run of a finished delivery: pending again, the retry schedule counted from here. */
  async restartDelivery(tx: SqlExecutor, id: string): Promise<StoredDelivery | undefined> {
    const { rows } = await tx.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', schedule_base = attempts_made
       WHERE id = $1 AND status <> 'pending' RETURNING ${DELIVERY_COLUMNS}`,
      [id],
    );
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  /** Pending deliveries of an endpoint that was disabled: they fail instead of waiting forever. */
  async failPendingDeliveries(tx: SqlExecutor, endpointId: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed' WHERE endpoint_id = $1 AND status = 'pending'`,
      [endpointId],
    );
  }

  /** Newest first, after the delivery `afterId` (the last one of the previous page). */
  async deliveriesOf(
    db: SqlExecutor,
    endpointId: string,
    limit: number,
    afterId: string | undefined,
  ): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
    // The cursor row's own timestamp (microseconds), so rows made in the same millisecond are neither
    // skipped nor repeated.
    const { rows } = await db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE endpoint_id = $1 ${
         afterId
           ? 'AND (created_at, id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = $3 AND endpoint_id = $1)'
           : ''
       }
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      afterId ? [endpointId, limit + 1, afterId] : [endpointId, limit + 1],
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit).map(toDelivery);
    const attempts = new Map<string, WebhookDeliveryAttempt[]>();
    if (page.length > 0) {
      const { rows: attemptRows } = await db.query<AttemptRow>(
        `SELECT delivery_id, attempt, at, response_status, duration_ms, error FROM webhook_delivery_attempts
         WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt`,
        [page.map((d) => d.id)],
      );
      for (const row of attemptRows) {
        const list = attempts.get(row.delivery_id) ?? [];
        list.push({
          attempt: row.attempt,
          at: row.at.toISOString(),
          responseStatus: row.response_status,
          durationMs: row.duration_ms,
          error: row.error,
        });
        attempts.set(row.delivery_id, list);
      }
    }
    const lastRow = page[page.length - 1];
    return {
      nextCursor: more && lastRow ? lastRow.id : null,
      deliveries: page.map((d) => ({
        id: d.id,
        endpointId: d.endpointId,
        eventType: d.eventType,
        webhookId: webhookIdOf(d.id),
        status: d.status,
        createdAt: d.createdAt.toISOString(),
        attempts: attempts.get(d.id) ?? [],
        ...(isDisabledNoticeOf(d) ? { reason: disabledNoticeReason(d.body) } : {}),
      })),
    };
  }
}
