import { Inject, Injectable } from '@nestjs/common';
import type { Database, SqlExecutor } from '@parley/db';
import type { ConversationType, Permissions } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';
import type { ConversationRow, ParticipantAccessRow, ParticipantRow } from './conversation-views.js';

/** A participant's rights, and whether they are a guest (a site's visitor). */
export type GuestAwareAccessRow = ParticipantAccessRow & { is_guest: boolean };

const CONVERSATION_COLUMNS = `id, type, title, custom_data, distinct_key, join_permissions, last_seq, created_by, created_at, updated_at`;
const PARTICIPANT_COLUMNS = `p.conversation_id, p.user_id, u.username, u.display_name, p.can_write, p.can_edit_own, p.can_edit_all,
  p.can_manage_participants, p.is_owner, p.last_read_seq, p.joined_at, u.is_bot`;

@Injectable()
export class ConversationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insertConversation(
    tx: SqlExecutor,
    c: {
      id: string;
      type: ConversationType;
      title: string | null;
      customData: object;
      distinctKey: string | null;
      joinPermissions: object | null;
      createdBy: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO conversations (id, type, title, custom_data, distinct_key, join_permissions, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        c.id,
        c.type,
        c.title,
        JSON.stringify(c.customData),
        c.distinctKey,
        c.joinPermissions ? JSON.stringify(c.joinPermissions) : null,
        c.createdBy,
      ],
    );
  }

  async findByDistinctKey(key: string, exec: SqlExecutor = this.db): Promise<ConversationRow | undefined> {
    const { rows } = await exec.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE distinct_key = $1`,
      [key],
    );
    return rows[0];
  }

  async findById(id: string, exec: SqlExecutor = this.db): Promise<ConversationRow | undefined> {
    const { rows } = await exec.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Locks the conversation row for the rest of the transaction (writers to one conversation queue up). */
  async lockById(tx: SqlExecutor, id: string): Promise<ConversationRow | undefined> {
    const { rows } = await tx.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  /**
   * Locks the rows of conversations `ids` (in id order, so two lockers never wait on each other in a circle)
   * and returns each with everyone in it and the rights of those of `userIds` who are: a send to a group of a
   * thousand reads a thousand ids, not a thousand rows of rights. One round trip: the writers of a
   * conversation queue on this lock, so each statement held under it is paid by everyone behind.
   */
  async lockWithAccess(
    tx: SqlExecutor,
    ids: string[],
    userIds: string[],
  ): Promise<
    Map<string, { conversation: ConversationRow; access: GuestAwareAccessRow[]; participantIds: string[] }>
  > {
    const { rows } = await tx.query<
      ConversationRow & { access: GuestAwareAccessRow[]; participant_ids: string[] }
    >(
      `SELECT ${CONVERSATION_COLUMNS},
         COALESCE((SELECT json_agg(a) FROM (
           SELECT p.user_id, p.can_write, p.can_edit_own, p.can_edit_all, p.can_manage_participants, p.is_owner,
             p.last_read_seq, u.is_guest
           FROM participants p JOIN users u ON u.id = p.user_id
           WHERE p.conversation_id = c.id AND p.user_id = ANY($2::uuid[])) a), '[]') AS access,
         COALESCE((SELECT json_agg(p.user_id) FROM participants p WHERE p.conversation_id = c.id), '[]')
           AS participant_ids
       FROM conversations c WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE OF c`,
      [ids, userIds],
    );
    return new Map(
      rows.map(({ access, participant_ids, ...conversation }) => [
        conversation.id,
        { conversation, access, participantIds: participant_ids },
      ]),
    );
  }

  async listParticipants(conversationIds: string[], exec: SqlExecutor = this.db): Promise<ParticipantRow[]> {
    if (conversationIds.length === 0) return [];
    const { rows } = await exec.query<ParticipantRow>(
      `SELECT ${PARTICIPANT_COLUMNS} FROM participants p JOIN users u ON u.id = p.user_id
       WHERE p.conversation_id = ANY($1::uuid[]) ORDER BY p.joined_at, u.username`,
      [conversationIds],
    );
    return rows;
  }

  async participantIds(conversationId: string, exec: SqlExecutor = this.db): Promise<string[]> {
    const { rows } = await exec.query<{ user_id: string }>(
      `SELECT user_id FROM participants WHERE conversation_id = $1`,
      [conversationId],
    );
    return rows.map((r) => r.user_id);
  }

  async findParticipant(
    conversationId: string,
    userId: string,
    exec: SqlExecutor = this.db,
  ): Promise<ParticipantRow | undefined> {
    const { rows } = await exec.query<ParticipantRow>(
      `SELECT ${PARTICIPANT_COLUMNS} FROM participants p JOIN users u ON u.id = p.user_id
       WHERE p.conversation_id = $1 AND p.user_id = $2`,
      [conversationId, userId],
    );
    return rows[0];
  }

  async upsertParticipants(
    tx: SqlExecutor,
    conversationId: string,
    entries: Array<{ userId: string; permissions: Permissions }>,
  ): Promise<string[]> {
    const added: string[] = [];
    for (const { userId, permissions: p } of entries) {
      const { rowCount } = await tx.query(
        `INSERT INTO participants (conversation_id, user_id, can_write, can_edit_own, can_edit_all, can_manage_participants, is_owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conversation_id, user_id) DO NOTHING`,
        [conversationId, userId, p.write, p.editOwn, p.editAll, p.manageParticipants, p.owner],
      );
      if (rowCount > 0) added.push(userId);
    }
    return added;
  }

  async updatePermissions(
    tx: SqlExecutor,
    conversationId: string,
    userId: string,
    p: Permissions,
  ): Promise<void> {
    await tx.query(
      `UPDATE participants SET can_write = $3, can_edit_own = $4, can_edit_all = $5, can_manage_participants = $6, is_owner = $7
       WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId, p.write, p.editOwn, p.editAll, p.manageParticipants, p.owner],
    );
  }

  async deleteParticipant(tx: SqlExecutor, conversationId: string, userId: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      `DELETE FROM participants WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return rowCount > 0;
  }

  async countOwners(tx: SqlExecutor, conversationId: string): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM participants WHERE conversation_id = $1 AND is_owner`,
      [conversationId],
    );
    return rows[0]?.n ?? 0;
  }

  /** A distinct conversation whose participants change is no longer "the" conversation of that set. */
  async clearDistinct(tx: SqlExecutor, conversationId: string): Promise<void> {
    await tx.query(`UPDATE conversations SET distinct_key = NULL WHERE id = $1`, [conversationId]);
  }

  async updateDetails(
    tx: SqlExecutor,
    id: string,
    patch: { title?: string | null; customData?: object },
  ): Promise<void> {
    if (patch.title !== undefined)
      await tx.query(`UPDATE conversations SET title = $2 WHERE id = $1`, [id, patch.title]);
    if (patch.customData !== undefined) {
      await tx.query(`UPDATE conversations SET custom_data = $2 WHERE id = $1`, [
        id,
        JSON.stringify(patch.customData),
      ]);
    }
  }

  async setLastRead(tx: SqlExecutor, conversationId: string, userId: string, seq: number): Promise<void> {
    await tx.query(`UPDATE participants SET last_read_seq = $3 WHERE conversation_id = $1 AND user_id = $2`, [
      conversationId,
      userId,
      seq,
    ]);
  }

  async listForUser(userId: string, type?: ConversationType): Promise<ConversationRow[]> {
    const { rows } = await this.db.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')}
       FROM conversations c JOIN participants p ON p.conversation_id = c.id
       WHERE p.user_id = $1 AND ($2::text IS NULL OR c.type = $2) ORDER BY c.updated_at DESC`,
      [userId, type ?? null],
    );
    return rows;
  }

  async listChannels(userId: string, q: string | undefined, limit: number) {
    const { rows } = await this.db.query<{
      id: string;
      title: string | null;
      participant_count: number;
      last_seq: number;
      joined: boolean;
    }>(
      `SELECT c.id, c.title, c.last_seq,
         (SELECT count(*)::int FROM participants p WHERE p.conversation_id = c.id) AS participant_count,
         EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $1) AS joined
       FROM conversations c
       WHERE c.type = 'channel' AND ($2::text IS NULL OR c.title ILIKE '%' || $2 || '%')
       ORDER BY c.updated_at DESC LIMIT $3`,
      [userId, q ?? null, limit],
    );
    return rows;
  }

  async existingUserIds(ids: string[], exec: SqlExecutor = this.db): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await exec.query<{ id: string }>(`SELECT id FROM users WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    return new Set(rows.map((r) => r.id));
  }
}
