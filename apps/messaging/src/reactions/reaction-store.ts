import { Inject, Injectable } from '@nestjs/common';
import type { Database, SqlExecutor } from '@parley/db';
import type { Reaction } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

/**
 * The message_reactions table: one row per (message, emoji, user). The primary key makes "one reaction per
 * user per emoji" a fact of the schema, and tells add/remove whether anything changed.
 */
@Injectable()
export class ReactionStore {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** True when the reaction is new (false: this user already reacted with this emoji). */
  async add(tx: SqlExecutor, messageId: string, emoji: string, userId: string): Promise<boolean> {
    const { rows } = await tx.query(
      `INSERT INTO message_reactions (message_id, emoji, user_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [messageId, emoji, userId],
    );
    return rows.length > 0;
  }

  /** True when there was such a reaction to remove. */
  async remove(tx: SqlExecutor, messageId: string, emoji: string, userId: string): Promise<boolean> {
    const { rows } = await tx.query(
      `DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3 RETURNING 1`,
      [messageId, emoji, userId],
    );
    return rows.length > 0;
  }

  async distinctEmojiCount(tx: SqlExecutor, messageId: string): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(DISTINCT emoji)::int AS n FROM message_reactions WHERE message_id = $1`,
      [messageId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Reactions per message: each emoji in the order it was first used, its users in the order they reacted. */
  async summaries(
    messageIds: readonly string[],
    exec: SqlExecutor = this.db,
  ): Promise<Map<string, Reaction[]>> {
    const out = new Map<string, Reaction[]>();
    if (messageIds.length === 0) return out;
    const { rows } = await exec.query<{ message_id: string; emoji: string; user_id: string }>(
      `SELECT message_id, emoji, user_id FROM message_reactions WHERE message_id = ANY($1::uuid[])
       ORDER BY message_id, min(created_at) OVER (PARTITION BY message_id, emoji), emoji, created_at, user_id`,
      [messageIds],
    );
    for (const row of rows) {
      let list = out.get(row.message_id);
      if (!list) out.set(row.message_id, (list = []));
      let reaction = list.find((r) => r.emoji === row.emoji);
      if (!reaction) list.push((reaction = { emoji: row.emoji, userIds: [] }));
      reaction.userIds.push(row.user_id);
    }
    return out;
  }
}
