import type { Migration } from '@parley/db';

/**
 * Machine clients managed through the admin API: a rotated secret keeps its predecessor working until
 * `previous_secret_expires_at`, and a revoked client stays on record (events name it) but gets no tokens.
 * Bots are users flagged `is_bot`, one per (client, bot id), created the first time a client posts as them;
 * bot id '' is the client itself, the actor of what it does that no bot says.
 */
export const machineClientsAndBots: Migration = {
  version: 7,
  name: 'machine clients admin, bot users, acting client of events',
  sql: `
ALTER TABLE oauth_clients
  ADD COLUMN previous_secret_hash text,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD COLUMN secret_rotated_at timestamptz,
  ADD COLUMN revoked_at timestamptz;

ALTER TABLE users ADD COLUMN is_bot boolean NOT NULL DEFAULT false;

CREATE TABLE client_bots (
  client_id text NOT NULL REFERENCES oauth_clients(id),
  bot_id text NOT NULL,
  user_id uuid NOT NULL UNIQUE REFERENCES users(id),
  PRIMARY KEY (client_id, bot_id)
);

ALTER TABLE events ADD COLUMN acting_client_id text;
`,
};
