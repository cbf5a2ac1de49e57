import type { Migration } from '@parley/db';

/** Append only: a shipped migration is never edited. */
export const voiceProxyMigrations: Migration[] = [
  {
    version: 1,
    name: 'proxied calls and their pending effects',
    sql: `
      CREATE TABLE calls (
        id uuid PRIMARY KEY,
        cid uuid NOT NULL,
        call_id text NOT NULL,
        customer_id uuid NOT NULL,
        customer_peer_info text NOT NULL,
        state text NOT NULL CHECK (state IN ('idle', 'ringing', 'active', 'ended')),
        operator_id uuid,
        operator_name text,
        attempts jsonb NOT NULL DEFAULT '[]'::jsonb,
        started_at timestamptz NOT NULL,
        answered_at timestamptz,
        ended_at timestamptz,
        end_reason text,
        effect_seq integer NOT NULL DEFAULT 0,
        UNIQUE (cid, call_id)
      );
      -- A customer is in one call at a time: a second start while one is open is answered busy.
      CREATE UNIQUE INDEX calls_one_open_per_customer ON calls (customer_id) WHERE state <> 'ended';
      CREATE INDEX calls_newest_first ON calls (started_at DESC, id DESC);
      CREATE INDEX calls_attempts ON calls USING gin (attempts jsonb_path_ops);

      -- What a transition decided to do, stored in its transaction and deleted once done.
      CREATE TABLE pending_effects (
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        effect jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (call_id, seq)
      );
    `,
  },
];
