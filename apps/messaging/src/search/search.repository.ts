import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@parley/db';
import { DATABASE } from '../infrastructure/tokens.js';
import type { MessageRow } from '../messages/messages.repository.js';
import { SNIPPET_START, SNIPPET_STOP, type SearchPosition } from './search-terms.js';

export type SearchRow = MessageRow & { position_micros: string; headline: string };

// The same path as the generated column in migration 005: the text a hit was found in.
const TEXT_BODIES = `jsonb_path_query_array(m.parts, '$[*] ? (@.mimeType like_regex "^text/" flag "i").body')`;
const HEADLINE_OPTIONS = `StartSel=${SNIPPET_START}, StopSel=${SNIPPET_STOP}, MaxWords=30, MinWords=12, ShortWord=0`;
const POSITION = `floor(extract(epoch FROM m.created_at) * 1000000)::bigint`;

/**
 * Reads messages through the search index. Membership is part of the one query (a join on the caller's
 * participant rows), so a conversation the caller is not in can never contribute a hit, and removed
 * messages have no search vector at all.
 */
@Injectable()
export class SearchRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async search(
    userId: string,
    tsQuery: string,
    before: SearchPosition | undefined,
    limit: number,
  ): Promise<SearchRow[]> {
    const { rows } = await this.db.query<SearchRow & { search_vector?: unknown }>(
      `WITH q AS (SELECT to_tsquery('simple', $2) AS query)
       SELECT m.*, ${POSITION}::text AS position_micros,
         ts_headline('simple', (SELECT string_agg(t #>> '{}', E'\\n') FROM jsonb_array_elements(${TEXT_BODIES}) t),
           q.query, $6) AS headline
       FROM messages m
       JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = $1
       CROSS JOIN q
       WHERE m.search_vector @@ q.query AND m.removed_at IS NULL
         AND ($3::bigint IS NULL OR (${POSITION}, m.id) < ($3::bigint, $4::uuid))
       ORDER BY ${POSITION} DESC, m.id DESC
       LIMIT $5`,
      [userId, tsQuery, before?.createdAtMicros ?? null, before?.messageId ?? null, limit, HEADLINE_OPTIONS],
    );
    for (const row of rows) delete row.search_vector;
    return rows;
  }
}
