import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import { DATABASE } from '../infrastructure/tokens.js';

/**
 * Who may follow whose presence: people who share a direct or group conversation. Public channels do not
 * count, so joining a channel does not reveal when its members are online.
 */
@Injectable()
export class PresenceRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Everyone who should hear about each of `userIds`' status changes, in one query (no entry: nobody). */
  async audiencesOf(userIds: string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.db.query<{ user_id: string; audience: string[] }>(
      `SELECT mine.user_id, json_agg(DISTINCT theirs.user_id) AS audience FROM participants mine
       JOIN conversations c ON c.id = mine.conversation_id AND c.type <> 'channel'
       JOIN participants theirs ON theirs.conversation_id = mine.conversation_id
         AND theirs.user_id <> mine.user_id
       WHERE mine.user_id = ANY($1::uuid[])
       GROUP BY mine.user_id`,
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, r.audience]));
  }

  /** The subset of `userIds` whose presence `viewerId` may read: themselves and their audience. */
  async visibleTo(viewerId: string, userIds: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `SELECT DISTINCT theirs.user_id FROM participants mine
       JOIN conversations c ON c.id = mine.conversation_id AND c.type <> 'channel'
       JOIN participants theirs ON theirs.conversation_id = mine.conversation_id
       WHERE mine.user_id = $1 AND theirs.user_id = ANY($2::uuid[])`,
      [viewerId, userIds],
    );
    const visible = new Set(rows.map((r) => r.user_id));
    if (userIds.includes(viewerId)) visible.add(viewerId);
    return visible;
  }
}
