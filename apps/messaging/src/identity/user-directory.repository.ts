import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import { DATABASE } from '../infrastructure/tokens.js';

/** A user as someone else sees them: the number only where the privacy rule allows it. */
export interface DirectoryRow {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  created_at: Date;
  msisdn: string | null;
  is_bot: boolean;
}

/**
 * The privacy rule, in SQL so a page is one query: the viewer sees a number when it is their own, when
 * its owner made it visible to everyone (`phone_visible`), or when the two share a direct or group
 * conversation (people you talk to can call you; a public channel is not enough).
 */
const VISIBLE_COLUMNS = `u.id, u.username, u.display_name, u.avatar_url, u.created_at, u.is_bot,
  CASE WHEN u.id = $1 OR u.phone_visible OR EXISTS (
    SELECT 1 FROM participants mine
    JOIN participants theirs ON theirs.conversation_id = mine.conversation_id AND theirs.user_id = u.id
    JOIN conversations c ON c.id = mine.conversation_id AND c.type <> 'channel'
    WHERE mine.user_id = $1
  ) THEN u.msisdn END AS msisdn`;

function escapeLike(text: string): string {
  return text.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`);
}

@Injectable()
export class UserDirectoryRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Users whose username, or a word of whose display name, starts with `prefix`; by username, after `cursor`. */
  async page(
    viewerId: string,
    prefix: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<DirectoryRow[]> {
    const { rows } = await this.db.query<DirectoryRow>(
      `SELECT ${VISIBLE_COLUMNS} FROM users u
       WHERE NOT u.is_bot AND ($2::text IS NULL OR u.username LIKE $2 || '%' OR lower(u.display_name) LIKE $2 || '%'
              OR lower(u.display_name) LIKE '% ' || $2 || '%')
         AND ($3::text IS NULL OR u.username > $3)
       ORDER BY u.username LIMIT $4`,
      [viewerId, prefix === undefined ? null : escapeLike(prefix), cursor ?? null, limit],
    );
    return rows;
  }

  async findById(viewerId: string, id: string): Promise<DirectoryRow | undefined> {
    const { rows } = await this.db.query<DirectoryRow>(
      `SELECT ${VISIBLE_COLUMNS} FROM users u WHERE u.id = $2`,
      [viewerId, id],
    );
    return rows[0];
  }

  async findByUsername(viewerId: string, username: string): Promise<DirectoryRow | undefined> {
    const { rows } = await this.db.query<DirectoryRow>(
      `SELECT ${VISIBLE_COLUMNS} FROM users u WHERE u.username = $2`,
      [viewerId, username.toLowerCase()],
    );
    return rows[0];
  }

  async updateProfile(
    id: string,
    patch: { displayName?: string; avatarUrl?: string | null; phoneVisible?: boolean },
  ): Promise<void> {
    await this.db.query(
      `UPDATE users SET display_name = coalesce($2, display_name),
         avatar_url = CASE WHEN $3::boolean THEN $4 ELSE avatar_url END,
         phone_visible = coalesce($5, phone_visible)
       WHERE id = $1`,
      [
        id,
        patch.displayName ?? null,
        patch.avatarUrl !== undefined,
        patch.avatarUrl ?? null,
        patch.phoneVisible ?? null,
      ],
    );
  }

  async isGuest(userId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ is_guest: boolean }>(`SELECT is_guest FROM users WHERE id = $1`, [
      userId,
    ]);
    return rows[0]?.is_guest === true;
  }
}
