import type { Migration } from '@parley/db';

/**
 * Replies keep the quoted message's id and a small preview (sender, excerpt) so a quote renders even when
 * the original is not loaded; mentions are the participants a message names; reactions are one row per
 * user and emoji, which makes adding the same reaction twice a no-op by construction.
 */
export const repliesMentionsReactions: Migration = {
  version: 4,
  name: 'replies, mentions and reactions',
  sql: `
ALTER TABLE messages
  ADD COLUMN reply_to uuid,
  ADD COLUMN reply_preview jsonb,
  ADD COLUMN mentions jsonb NOT NULL DEFAULT '[]';
CREATE INDEX messages_reply_to_idx ON messages (reply_to) WHERE reply_to IS NOT NULL;

CREATE TABLE message_reactions (
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  emoji text NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, emoji, user_id)
);
`,
};
