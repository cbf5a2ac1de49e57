import type { Migration } from '@parley/db';

/**
 * The push tables, in the gateway's schema. Append only; versions 100 and up (1–99 are the gateway core's),
 * run with the video invites' own list by the video module at start.
 */
export const pushMigrations: Migration[] = [
  {
    version: 100,
    name: 'web push subscriptions',
    sql: `
      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        endpoint text NOT NULL,
        p256dh text NOT NULL,
        auth text NOT NULL,
        expiration_time bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- One browser is one endpoint: registering it again updates the keys instead of adding a row.
        UNIQUE (user_id, endpoint)
      );
      CREATE INDEX push_subscriptions_by_endpoint ON push_subscriptions (endpoint);
    `,
  },
];
