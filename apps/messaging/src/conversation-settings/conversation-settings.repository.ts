import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import type { ConversationSettings } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';

/** Pinned and muted are columns of the participant row: a user's own, gone when they leave. */
@Injectable()
export class ConversationSettingsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Undefined when the user is not a participant: there is nothing of theirs to change. */
  async update(
    conversationId: string,
    userId: string,
    patch: Partial<ConversationSettings>,
  ): Promise<ConversationSettings | undefined> {
    const { rows } = await this.db.query<ConversationSettings>(
      `UPDATE participants SET pinned = coalesce($3, pinned), muted = coalesce($4, muted)
       WHERE conversation_id = $1 AND user_id = $2 RETURNING pinned, muted`,
      [conversationId, userId, patch.pinned ?? null, patch.muted ?? null],
    );
    return rows[0];
  }

  async forUser(userId: string): Promise<Map<string, ConversationSettings>> {
    const { rows } = await this.db.query<ConversationSettings & { conversation_id: string }>(
      `SELECT conversation_id, pinned, muted FROM participants WHERE user_id = $1`,
      [userId],
    );
    return new Map(rows.map((r) => [r.conversation_id, { pinned: r.pinned, muted: r.muted }]));
  }
}
