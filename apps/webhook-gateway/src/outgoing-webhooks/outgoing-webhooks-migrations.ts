import type { Migration } from '@parley/db';

/** The outgoing webhooks' tables, in the gateway's schema. Append only; versions 200–299 are this module's. */
export const outgoingWebhooksMigrations: Migration[] = [
  {
    version: 200,
    name: 'outgoing webhook endpoints, deliveries and attempts',
    sql: `
      -- The signing secrets cannot be hashed (every delivery is signed with them): encrypted with
      -- OUTGOING_WEBHOOK_SECRETS_KEY when it is set ('v1:…'), else kept as they are ('whsec_…'), in which case
      -- whoever can read this table can forge webhooks to these endpoints.
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        client_id text NOT NULL,
        url text NOT NULL,
        topics text[] NOT NULL,
        description text,
        max_concurrency integer NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        disabled boolean NOT NULL DEFAULT false,
        disabled_reason text,
        disabled_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_endpoints_by_client ON webhook_endpoints (client_id, created_at);

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'dead')),
        attempts_made integer NOT NULL DEFAULT 0,
        -- Attempts made before the current run (a redelivery starts the retry schedule again).
        schedule_base integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, event_type, endpoint_id)
      );
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

      CREATE TABLE webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        response_status integer,
        duration_ms integer NOT NULL,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      );
    `,
  },
];
