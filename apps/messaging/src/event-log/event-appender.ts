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
    const prepared = this.prepare(req, assigned);
    await this.store([prepared]);
    return prepared.committed.event as ConversationEventOf<T>;
  }

  /**
   * Builds the event at `seq` and checks it against its bus schema, storing nothing yet. Synchronous, so a
   * caller serving several requests at once can build each inside its own request's context (its request id
   * and acting client are read from there).
   */
  prepare<T extends ConversationEventType>(req: AppendRequest<T>, seq: number): PreparedEvent {
    const createdAt = new Date().toISOString();
    const actingClientId = currentActingClient();
    const event = {
      id: randomUUID(),
      conversationId: req.conversationId,
      seq,
      type: req.type,
      actorId: req.actorId,
      ...(actingClientId !== undefined ? { actingClientId } : {}),
      createdAt,
      payload: req.payload(seq, createdAt),
    } as unknown as ConversationEventOf<T>;
    const topic = topicOfConversationEvent(event.type);
    // The relay publishes this row later, where a payload off its protocol schema could only be set aside:
    // checked here instead, it fails the transaction and the request that tried to store it.
    const { metadata } = toBusEvent({ topic, id: event.id, payload: event, occurredAt: createdAt });
    return {
      committed: { event, recipients: [...new Set(req.recipients)] },
      topic,
      requestId: metadata?.requestId ?? null,
      actingClientId: actingClientId ?? null,
    };
  }

  /**
   * Stores prepared events of one conversation whose seqs follow its `last_seq` (the caller holds the row's
   * lock), moving `last_seq` past them in the same statement.
   */
  async appendPrepared(conversationId: string, prepared: PreparedEvent[]): Promise<void> {
    const last = prepared.at(-1);
    if (!last) return;
    await this.store(prepared, { conversationId, lastSeq: last.committed.event.seq });
  }

  /**
   * The events and their outbox rows in one statement: one round trip, and never one without the other;
   * with `advance`, the conversation's `last_seq` moves in the same statement.
   */
  private async store(
    prepared: PreparedEvent[],
    advance?: { conversationId: string; lastSeq: number },
  ): Promise<void> {
    const rows = prepared.map(({ committed: { event }, topic, requestId, actingClientId }) => ({
      conversation_id: event.conversationId,
      seq: event.seq,
      id: event.id,
      type: event.type,
      actor_id: event.actorId,
      payload: event.payload,
      created_at: event.createdAt,
      acting_client_id: actingClientId,
      topic,
      outbox_payload: event,
      request_id: requestId,
    }));
    await this.tx.query(
      `WITH ${advance ? 'advanced AS (UPDATE conversations SET last_seq = $2, updated_at = now() WHERE id = $3),' : ''}
       input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(conversation_id uuid, seq bigint, id uuid, type text,
           actor_id uuid, payload jsonb, created_at timestamptz, acting_client_id text, topic text,
           outbox_payload jsonb, request_id text)),
       stored AS (
         INSERT INTO events (conversation_id, seq, id, type, actor_id, payload, created_at, acting_client_id)
         SELECT conversation_id, seq, id, type, actor_id, payload, created_at, acting_client_id FROM input
         RETURNING id)
       INSERT INTO outbox (event_id, topic, payload, request_id)
       SELECT input.id, input.topic, input.outbox_payload, input.request_id FROM input JOIN stored USING (id)`,
      advance ? [JSON.stringify(rows), advance.lastSeq, advance.conversationId] : [JSON.stringify(rows)],
    );
    for (const p of prepared) this.appended.push(p.committed);
  }
}

/** An event built and checked, waiting to be stored with its outbox row. */
export interface PreparedEvent {
  committed: CommittedEvent;
  topic: string;
  requestId: string | null;
  actingClientId: string | null;
}
