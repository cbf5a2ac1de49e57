import { Inject, Injectable } from '@nestjs/common';
import type { Database, SqlExecutor, TransactionExecutor } from '@parley/db';
import type { Message, MessagePart, ReplyPreview } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
  parts: MessagePart[];
  created_at: Date;
  edited_at: Date | null;
  removed_at: Date | null;
  reply_to: string | null;
  reply_preview: ReplyPreview | null;
  mentions: string[];
}

const COLUMNS =
  'id, conversation_id, seq, sender_id, client_message_id, parts, created_at, edited_at, removed_at' +
  ', reply_to, reply_preview, mentions';

/** A removed message keeps its place in the conversation but shows no content. */
export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientMessageId: row.client_message_id,
    parts: row.removed_at ? [] : row.parts,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    removedAt: row.removed_at?.toISOString() ?? null,
    replyTo: row.reply_to,
    replyPreview: row.removed_at ? null : row.reply_preview,
    mentions: row.removed_at ? [] : row.mentions,
  };
}

@Injectable()
export class MessagesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findByClientId(
    conversationId: string,
    senderId: string,
    clientMessageId: string,
    exec: SqlExecutor = this.db,
  ) {
    const { rows } = await exec.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND sender_id = $2 AND client_message_id = $3`,
      [conversationId, senderId, clientMessageId],
    );
    return rows[0];
  }

  async findById(conversationId: string, id: string, exec: SqlExecutor = this.db) {
    const { rows } = await exec.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2`,
      [conversationId, id],
    );
    return rows[0];
  }

  /**
   * Queues for the commit of `tx` the insert of several new messages in one statement (the rows a batch of
   * sends commits); it leaves with COMMIT.
   */
  insertManyAtCommit(tx: TransactionExecutor, messages: Message[]): void {
    if (messages.length === 0) return;
    const rows = messages.map((m) => ({
      id: m.id,
      conversation_id: m.conversationId,
      seq: m.seq,
      sender_id: m.senderId,
      client_message_id: m.clientMessageId,
      parts: m.parts,
      created_at: m.createdAt,
      reply_to: m.replyTo,
      reply_preview: m.replyPreview,
      mentions: m.mentions,
    }));
    tx.queryAtCommit(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, parts, created_at,
         reply_to, reply_preview, mentions)
       SELECT id, conversation_id, seq, sender_id, client_message_id, parts, created_at, reply_to,
         reply_preview, mentions
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, conversation_id uuid, seq bigint, sender_id uuid,
         client_message_id text, parts jsonb, created_at timestamptz, reply_to uuid, reply_preview jsonb,
         mentions jsonb)`,
      [JSON.stringify(rows)],
    );
  }

  async updateParts(tx: SqlExecutor, id: string, parts: MessagePart[], editedAt: string): Promise<void> {
    await tx.query(`UPDATE messages SET parts = $2, edited_at = $3 WHERE id = $1`, [
      id,
      JSON.stringify(parts),
      editedAt,
    ]);
  }

  async markRemoved(tx: SqlExecutor, id: string, removedAt: string): Promise<void> {
    await tx.query(`UPDATE messages SET removed_at = $2, parts = '[]'::jsonb WHERE id = $1`, [id, removedAt]);
  }

  /** The quotes of replies to `messageId` follow its edit (a new excerpt) or removal (no excerpt). */
  async refreshReplyPreviews(tx: SqlExecutor, messageId: string, excerpt: string, removed: boolean) {
    await tx.query(
      `UPDATE messages SET reply_preview = reply_preview || jsonb_build_object('excerpt', $2::text, 'removed', $3::boolean)
       WHERE reply_to = $1 AND reply_preview IS NOT NULL`,
      [messageId, excerpt, removed],
    );
  }

  /** Newest first below `beforeSeq`, returned oldest first for display. */
  async pageBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessageRow[]> {
    const { rows } = await this.db.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [conversationId, beforeSeq, limit],
    );
    return rows.reverse();
  }

  async hasAnyBefore(conversationId: string, seq: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM messages WHERE conversation_id = $1 AND seq < $2 LIMIT 1`,
      [conversationId, seq],
    );
    return rows.length > 0;
  }
}

@Injectable()
export class MessageStatsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Unread = others' messages after the user's lastReadSeq that were not removed. */
  async unreadCounts(userId: string): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ conversation_id: string; n: number }>(
      `SELECT p.conversation_id, count(m.id)::int AS n
       FROM participants p
       LEFT JOIN messages m ON m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq
         AND m.sender_id <> p.user_id AND m.removed_at IS NULL
       WHERE p.user_id = $1 GROUP BY p.conversation_id`,
      [userId],
    );
    return new Map(rows.map((r) => [r.conversation_id, r.n]));
  }

  async lastMessages(conversationIds: string[]): Promise<Map<string, MessageRow>> {
    if (conversationIds.length === 0) return new Map();
    const { rows } = await this.db.query<MessageRow>(
      `SELECT DISTINCT ON (conversation_id) ${COLUMNS} FROM messages
       WHERE conversation_id = ANY($1::uuid[]) AND removed_at IS NULL ORDER BY conversation_id, seq DESC`,
      [conversationIds],
    );
    return new Map(rows.map((r) => [r.conversation_id, r]));
  }
}
