import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { ConversationEvent } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

interface EventRow {
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  actor_id: string;
  acting_client_id: string | null;
  payload: unknown;
  created_at: Date;
}

function toEvent(row: EventRow): ConversationEvent {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    type: row.type,
    actorId: row.actor_id,
    ...(row.acting_client_id !== null ? { actingClientId: row.acting_client_id } : {}),
    createdAt: row.created_at.toISOString(),
    payload: row.payload,
  } as ConversationEvent;
}

/** `created_at` as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
const ISO_UTC = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

@Injectable()
export class EventLogRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * The events `fromSeq..toSeq` as protocol JSON, one string per event, written by PostgreSQL: a long replay
   * neither parses the stored payloads nor serialises them again. Same fields and values as `readRange`.
   */
  async readJsonLines(conversationId: string, fromSeq: number, toSeq: number): Promise<string[]> {
    const { rows } = await this.db.query<{ line: string }>(
      `SELECT CASE WHEN acting_client_id IS NULL
                THEN json_build_object('id', id, 'conversationId', conversation_id, 'seq', seq, 'type', type,
                       'actorId', actor_id, 'createdAt', ${ISO_UTC}, 'payload', payload)
                ELSE json_build_object('id', id, 'conversationId', conversation_id, 'seq', seq, 'type', type,
                       'actorId', actor_id, 'actingClientId', acting_client_id, 'createdAt', ${ISO_UTC},
                       'payload', payload)
              END::text AS line
         FROM events WHERE conversation_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [conversationId, fromSeq, toSeq],
    );
    return rows.map((r) => r.line);
  }

  async readRange(conversationId: string, fromSeq: number, toSeq: number): Promise<ConversationEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `SELECT conversation_id, seq, id, type, actor_id, acting_client_id, payload, created_at FROM events
       WHERE conversation_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [conversationId, fromSeq, toSeq],
    );
    return rows.map(toEvent);
  }
}
