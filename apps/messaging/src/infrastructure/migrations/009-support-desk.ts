import type { Migration } from '@parley/db';

/**
 * A visitor's desk conversation, one per guest: its place in the queue and its operator. `assignment`
 * counts assignments so a late accept timeout for an earlier one is ignored; `tried` holds the operators
 * who let it time out or left, skipped until nobody else is available.
 */
export const supportDesk: Migration = {
  version: 9,
  name: 'support desk conversations',
  sql: `
CREATE TABLE desk_conversations (
  conversation_id uuid PRIMARY KEY REFERENCES conversations(id),
  guest_id uuid NOT NULL UNIQUE REFERENCES users(id),
  site_id uuid REFERENCES guest_sites(id),
  state text NOT NULL DEFAULT 'new',
  operator_id uuid REFERENCES users(id),
  assignment integer NOT NULL DEFAULT 0,
  tried uuid[] NOT NULL DEFAULT '{}',
  queued_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX desk_conversations_waiting_idx ON desk_conversations (queued_at) WHERE state = 'waiting';
`,
};
