import { randomUUID } from 'node:crypto';
import type { TransactionExecutor } from '@parley/db';
import type { ConversationEvent, ConversationEventOf, ConversationEventType } from '@parley/protocol';
import { toBusEvent, topicOfConversationEvent, type Topic } from '@parley/event-bus';
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
  recipients: readonly string[];
  /** Topics the event is published on besides its own, each under an id of its own (e.g. for one group). */
  alsoPublishAs?: Topic[];
}

/**
 * Appends events inside one transaction. The seq comes from the conversation row itself
 * (`last_seq = last_seq + 1 ... RETURNING`), which also locks the row: concurrent writers to one
 * conversation queue up, and a rolled-back transaction gives its seq back, so the log stays gap-free.
 */
export class EventAppender {
  readonly appended: CommittedEvent[] = [];

  constructor(private readonly tx: TransactionExecutor) {}

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
    // Nothing in the transaction reads it back: it leaves with COMMIT, a round trip saved.
    this.storeAtCommit([prepared]);
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
    const publications = [{ id: event.id, topic }];
    for (const also of req.alsoPublishAs ?? []) {
      const id = randomUUID();
      toBusEvent({ topic: also, id, payload: event, occurredAt: createdAt });
      publications.push({ id, topic: also });
    }
    return {
      committed: { event, recipients: [...new Set(req.recipients)] },
      publications,
      requestId: metadata?.requestId ?? null,
      actingClientId: actingClientId ?? null,
    };
  }

  /**
   * Stores prepared events whose seqs follow their conversations' `last_seq` (the caller holds those rows'
   * locks), moving each conversation's `last_seq` to its last event in the same statement. The statement is
   * queued for the commit (it leaves with COMMIT), so a failure surfaces as the transaction's.
   */
  appendPreparedAtCommit(prepared: PreparedEvent[]): void {
    if (prepared.length === 0) return;
    const lastSeqs = new Map<string, number>();
    for (const { committed } of prepared)
      lastSeqs.set(
        committed.event.conversationId,
        Math.max(committed.event.seq, lastSeqs.get(committed.event.conversationId) ?? 0),
      );
    this.storeAtCommit(
      prepared,
      [...lastSeqs].map(([id, lastSeq]) => ({ id, last_seq: lastSeq })),
    );
  }

  /**
   * Queues for the commit the events and their outbox rows in one statement, never one without the other;
   * with `advance`, those conversations' `last_seq` move in the same statement.
   */
  private storeAtCommit(prepared: PreparedEvent[], advance?: Array<{ id: string; last_seq: number }>): void {
    const events = prepared.map(({ committed: { event }, actingClientId }) => ({
      conversation_id: event.conversationId,
      seq: event.seq,
      id: event.id,
      type: event.type,
      actor_id: event.actorId,
      payload: event.payload,
      created_at: event.createdAt,
      acting_client_id: actingClientId,
    }));
    const outbox = prepared.flatMap(({ committed: { event }, publications, requestId }) =>
      publications.map(({ id, topic }) => ({
        event_id: id,
        source_id: event.id,
        topic,
        payload: event,
        request_id: requestId,
      })),
    );
    this.tx.queryAtCommit(
      `WITH ${
        advance
          ? `advanced AS (
               UPDATE conversations c SET last_seq = a.last_seq, updated_at = now()
               FROM jsonb_to_recordset($3::jsonb) AS a(id uuid, last_seq bigint) WHERE c.id = a.id),`
          : ''
      }
       stored AS (
         INSERT INTO events (conversation_id, seq, id, type, actor_id, payload, created_at, acting_client_id)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(conversation_id uuid, seq bigint, id uuid, type text,
           actor_id uuid, payload jsonb, created_at timestamptz, acting_client_id text)
         RETURNING id)
       INSERT INTO outbox (event_id, topic, payload, request_id)
       SELECT o.event_id, o.topic, o.payload, o.request_id
       FROM jsonb_to_recordset($2::jsonb) AS o(event_id uuid, source_id uuid, topic text, payload jsonb,
         request_id text)
       JOIN stored ON stored.id = o.source_id`,
      advance
        ? [JSON.stringify(events), JSON.stringify(outbox), JSON.stringify(advance)]
        : [JSON.stringify(events), JSON.stringify(outbox)],
    );
    for (const p of prepared) this.appended.push(p.committed);
  }
}

/** An event built and checked, waiting to be stored with its outbox row. */
export interface PreparedEvent {
  committed: CommittedEvent;
  /** The bus events it becomes: its own topic under its id, then any further topics under ids of their own. */
  publications: Array<{ id: string; topic: Topic }>;
  requestId: string | null;
  actingClientId: string | null;
}
