import type { Migration } from '@parley/db';

/** The video invites table, in the gateway's schema. Append only; versions 100 and up (1–99 are the core's). */
export const videoMigrations: Migration[] = [
  {
    version: 101,
    name: 'video invites',
    sql: `
      CREATE TABLE video_invites (
        id uuid PRIMARY KEY,
        call_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        caller_id uuid NOT NULL,
        callee_id uuid NOT NULL,
        status text NOT NULL
          CHECK (status IN ('inviting', 'answered', 'declined', 'missed', 'failed', 'cancelled')),
        tries integer NOT NULL DEFAULT 0,
        max_tries integer NOT NULL,
        window_ms integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        last_error text,
        -- Set once the missed call's message and pushes are all done; until then the give-up job retries them.
        missed_effects_done boolean NOT NULL DEFAULT false,
        -- Subscriptions already notified of this missed invite: a retried job skips them.
        pushed_subscription_ids uuid[] NOT NULL DEFAULT '{}'
      );
      CREATE INDEX video_invites_by_call ON video_invites (call_id);
    `,
  },
];
