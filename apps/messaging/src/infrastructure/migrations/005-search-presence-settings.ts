import type { Migration } from '@parley/db';

/**
 * Full-text search: a generated tsvector over the message's text parts (`text/*` bodies only, so JSON and
 * files are never matched), null once the message is removed so a removed message cannot be found, with a
 * GIN index. The `simple` configuration (no stemming, no stop words) because conversations mix languages;
 * the same SQL runs on PostgreSQL and PGlite.
 *
 * Per-participant settings (pinned, muted) live on the participant row: they go when the user leaves.
 * Users get an optional avatar URL and `phone_visible`, the owner's consent to show their number to
 * everyone (off by default).
 */
export const searchPresenceSettings: Migration = {
  version: 5,
  name: 'message search, conversation settings, directory privacy',
  sql: `
ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  CASE WHEN removed_at IS NULL THEN
    to_tsvector('simple'::regconfig, jsonb_path_query_array(parts, '$[*] ? (@.mimeType like_regex "^text/" flag "i").body'))
  END
) STORED;
CREATE INDEX messages_search_idx ON messages USING gin (search_vector);

ALTER TABLE participants
  ADD COLUMN pinned boolean NOT NULL DEFAULT false,
  ADD COLUMN muted boolean NOT NULL DEFAULT false;

ALTER TABLE users
  ADD COLUMN avatar_url text,
  ADD COLUMN phone_visible boolean NOT NULL DEFAULT false;
`,
};
