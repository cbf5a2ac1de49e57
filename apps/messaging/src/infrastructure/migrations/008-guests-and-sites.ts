import type { Migration } from '@parley/db';

/**
 * Guests are users flagged `is_guest`, made for a site's visitor (site_id) or by a machine client
 * (created_by_client); their secret lets the widget resume the same guest. A merged guest keeps its row
 * (events name it) but `merged_into` stops it from getting tokens again.
 */
export const guestsAndSites: Migration = {
  version: 8,
  name: 'guest sites and guest users',
  sql: `
CREATE TABLE guest_sites (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  site_key text NOT NULL UNIQUE,
  allowed_origins text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE users ADD COLUMN is_guest boolean NOT NULL DEFAULT false;

CREATE TABLE guests (
  user_id uuid PRIMARY KEY REFERENCES users(id),
  site_id uuid REFERENCES guest_sites(id),
  created_by_client text,
  secret_hash text NOT NULL,
  merged_into uuid REFERENCES users(id),
  merged_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
};
