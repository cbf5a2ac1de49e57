import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@parley/db';
import type { ConversationEvent, ConversationEventOf, ConversationEventType } from '@parley/protocol';
import { toBusEvent, topicOfConversationEvent } from '@parley/event-bus';
import { currentActingClient } from './acting-client.js';

/** An event committed with the list of users whose devices must see it live. */
export interface CommittedEvent {
  event: ConversationEvent;
  recipients: string[];
}

export interface AppendRequest<T extends ConversationEventType> {
  conversationId: string;
  type: T;
  actorId: string;
  /** Built once the seq is known, so payloads may carry it (a message's own seq). */
  payload: (seq: number, createdAt: string) => ConversationEventOf<T>['payload'];
  recipients: string[];
}

/**
 * Appends events inside one transaction. The seq comes from the conversation row itself
 * (`last_seq = last_seq + 1 ... RETURNING`), which also locks the row: concurrent writers to one
 * conversation queue up, and a rolled-back transaction gives its seq back, so the log stays gap-free.
 */
export class EventAppender {
  readonly appended: CommittedEvent[] = [];

  constructor(private readonly tx: SqlExecutor) {}

  async assignNextSeq(conversationId: string): Promise<number> {
    const { rows } = await this.tx.query<{ last_seq: number }>(
      'UPDATE conversations SET last_seq = last_seq + 1, updated_at = now() WHERE id = $1 RETURNING last_seq',
      [conversationId],
    );
    const row = rows[0];
    if (!row) throw new Error(`conversation ${conversationId} vanished inside its transaction`);
    return row.last_seq;
  }

  async append<T extends ConversationEventType>(
    req: AppendRequest<T>,
    seq?: number,
  ): Promise<ConversationEventOf<T>> {
    const assigned = seq ?? (await this.assignNextSeq(req.conversationId));
    const createdAt = new Date().toISOString();
    const actingClientId = currentActingClient();
    const event = {
      id: randomUUID(),
      conversationId: req.conversationId,
      seq: assigned,
      type: req.type,
      actorId: req.actorId,
      ...(actingClientId !== undefined ? { actingClientId } : {}),
      createdAt,
      payload: req.payload(assigned, createdAt),
    } as unknown as ConversationEventOf<T>;
    const topic = topicOfConversationEvent(event.type);
    // The relay publishes this row later, where a payload off its protocol schema could only be set aside:
    // checked here instead, it fails the transaction and the request that tried to store it.
    const { metadata } = toBusEvent({ topic, id: event.id, payload: event, occurredAt: createdAt });
    // The event and its outbox row in one statement: one round trip, and never one without the other.
    await this.tx.query(
      `WITH stored AS (
         INSERT INTO events (conversation_id, seq, id, type, actor_id, payload, created_at, acting_client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $11) RETURNING id)
       INSERT INTO outbox (event_id, topic, payload, request_id) SELECT id, $8, $9, $10 FROM stored`,
      [
        event.conversationId,
        event.seq,
        event.id,
        event.type,
        event.actorId,
        JSON.stringify(event.payload),
        createdAt,
        topic,
        JSON.stringify(event),
        metadata?.requestId ?? null,
        actingClientId ?? null,
      ],
    );
    this.appended.push({ event, recipients: [...new Set(req.recipients)] });
    return event;
  }
}
