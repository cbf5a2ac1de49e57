import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { DeskConversation, DeskState } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

export interface DeskRow {
  conversation_id: string;
  guest_id: string;
  site_id: string | null;
  state: DeskState;
  operator_id: string | null;
  assignment: number;
  tried: string[];
  queued_at: Date | null;
}

export function toDeskConversation(row: DeskRow): DeskConversation {
  return {
    conversationId: row.conversation_id,
    guestId: row.guest_id,
    state: row.state,
    operatorId: row.operator_id,
    assignment: row.assignment,
    queuedAt: row.queued_at?.toISOString() ?? null,
  };
}

/** The `desk_conversations` table. Assignments are compare-and-set on `assignment`, so replicas never both win. */
@Injectable()
export class DeskRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The guest's desk conversation row, or the existing one when another request made it first. */
  async insert(conversationId: string, guestId: string, siteId: string | null): Promise<DeskRow> {
    await this.db.query(
      `INSERT INTO desk_conversations (conversation_id, guest_id, site_id) VALUES ($1, $2, $3) ON CONFLICT (guest_id) DO NOTHING`,
      [conversationId, guestId, siteId],
    );
    return (await this.findByGuest(guestId))!;
  }

  async findByGuest(guestId: string): Promise<DeskRow | undefined> {
    const { rows } = await this.db.query<DeskRow>(`SELECT * FROM desk_conversations WHERE guest_id = $1`, [
      guestId,
    ]);
    return rows[0];
  }

  async find(conversationId: string): Promise<DeskRow | undefined> {
    const { rows } = await this.db.query<DeskRow>(
      `SELECT * FROM desk_conversations WHERE conversation_id = $1`,
      [conversationId],
    );
    return rows[0];
  }

  /** A new conversation enters the queue; false when it already had. */
  async enqueue(conversationId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE desk_conversations SET state = 'waiting', queued_at = now() WHERE conversation_id = $1 AND state = 'new' RETURNING 1`,
      [conversationId],
    );
    return rows.length === 1;
  }

  /** The conversation goes to `operatorId` (or back to waiting when null), if nobody changed it since `assignment`. */
  async reassign(
    conversationId: string,
    assignment: number,
    operatorId: string | null,
    tried: string[],
  ): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE desk_conversations
         SET operator_id = $3, state = CASE WHEN $3::uuid IS NULL THEN 'waiting' ELSE 'assigned' END,
             assignment = assignment + 1, tried = $4,
             queued_at = CASE WHEN $3::uuid IS NULL THEN coalesce(queued_at, now()) ELSE queued_at END
       WHERE conversation_id = $1 AND assignment = $2 RETURNING 1`,
      [conversationId, assignment, operatorId, tried],
    );
    return rows.length === 1;
  }

  async accept(conversationId: string, operatorId: string): Promise<DeskRow | undefined> {
    const { rows } = await this.db.query<DeskRow>(
      `UPDATE desk_conversations SET state = 'accepted' WHERE conversation_id = $1 AND operator_id = $2 AND state IN ('assigned', 'accepted') RETURNING *`,
      [conversationId, operatorId],
    );
    return rows[0];
  }

  /** The operator finished: nobody has it until the visitor writes again (compare-and-set on `assignment`). */
  async close(conversationId: string, assignment: number): Promise<DeskRow | undefined> {
    const { rows } = await this.db.query<DeskRow>(
      `UPDATE desk_conversations
         SET state = 'closed', operator_id = NULL, assignment = assignment + 1, tried = '{}', queued_at = NULL
       WHERE conversation_id = $1 AND assignment = $2 AND state IN ('assigned', 'accepted') RETURNING *`,
      [conversationId, assignment],
    );
    return rows[0];
  }

  /** A closed conversation's visitor wrote again: it waits in the queue; false when it was not closed. */
  async reopen(conversationId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE desk_conversations SET state = 'waiting', queued_at = now() WHERE conversation_id = $1 AND state = 'closed' RETURNING 1`,
      [conversationId],
    );
    return rows.length === 1;
  }

  async waiting(limit: number): Promise<DeskRow[]> {
    const { rows } = await this.db.query<DeskRow>(
      `SELECT * FROM desk_conversations WHERE state = 'waiting' ORDER BY queued_at, conversation_id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async assignedTo(operatorId: string): Promise<DeskRow[]> {
    const { rows } = await this.db.query<DeskRow>(
      `SELECT * FROM desk_conversations WHERE operator_id = $1 ORDER BY queued_at, conversation_id`,
      [operatorId],
    );
    return rows;
  }

  /** The operators' user ids and display names, by username (SUPPORT_OPERATORS). */
  async usersByUsername(usernames: readonly string[]): Promise<{ id: string; display_name: string }[]> {
    if (usernames.length === 0) return [];
    const { rows } = await this.db.query<{ id: string; display_name: string }>(
      `SELECT id, display_name FROM users WHERE username = ANY($1)`,
      [usernames],
    );
    return rows;
  }
}
