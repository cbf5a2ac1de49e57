import { createHash } from 'node:crypto';
import type { Database, SqlExecutor } from '@parley/db';
import { Topics } from '@parley/event-bus';
import type { OutboxRelay, OutboxRepository } from '@parley/outbox';
import type { ProviderEvent, ProviderWebhookReceipt } from '@parley/protocol';

/**
 * The bus job id of a provider event: derived from (provider, event id), so the same event always has the
 * same job id, and shaped the way the bus needs (no `:`, never an integer) whatever the provider's ids are.
 */
export function providerEventJobId(provider: string, eventId: string): string {
  return `pe-${createHash('sha256').update(`${provider}\u0000${eventId}`).digest('base64url')}`;
}

/**
 * Where verified provider events enter the gateway: each is stored once per (provider, event id), and a new
 * one gets its `provider.event.v1` outbox row in the same transaction, so an event is either stored and
 * queued or neither. A provider's retry of an event already stored is counted as a duplicate and queued
 * nowhere.
 */
export class ProviderEventInbox {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRepository,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
  ) {}

  async accept(events: readonly ProviderEvent[]): Promise<ProviderWebhookReceipt> {
    if (events.length === 0) return { received: 0, duplicates: 0 };
    const received = await this.db.transaction(async (tx) => {
      let fresh = 0;
      for (const event of events) if (await this.storeOnce(tx, event)) fresh += 1;
      return fresh;
    });
    if (received > 0) this.relay.nudge();
    return { received, duplicates: events.length - received };
  }

  private async storeOnce(tx: SqlExecutor, event: ProviderEvent): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO provider_events (provider, event_id, type, room_id, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (provider, event_id) DO NOTHING`,
      [event.provider, event.eventId, event.type, event.roomId, JSON.stringify(event)],
    );
    if (rowCount === 0) return false;
    await this.outbox.enqueue(tx, {
      topic: Topics.providerEvent,
      eventId: providerEventJobId(event.provider, event.eventId),
      payload: event,
    });
    return true;
  }
}
