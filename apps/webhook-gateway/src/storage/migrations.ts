import type { Migration } from '@parley/db';
import { outboxTableMigration } from '@parley/outbox';

/**
 * Append only: a shipped migration is never edited. Versions 1–99 are the gateway core's; a module with
 * tables of its own runs its own list from 100 up in the same schema.
 */
export function webhookGatewayMigrations(schema: string): Migration[] {
  return [
    {
      version: 1,
      name: 'provider calls and received provider events',
      sql: `
        CREATE TABLE calls (
          id uuid PRIMARY KEY,
          provider text NOT NULL,
          room_id text NOT NULL,
          conversation_id uuid NOT NULL,
          created_by uuid NOT NULL,
          media text NOT NULL CHECK (media IN ('audio', 'video')),
          join_url text,
          status text NOT NULL CHECK (status IN ('created', 'ringing', 'started', 'ended', 'missed')),
          participants jsonb NOT NULL DEFAULT '[]'::jsonb,
          created_at timestamptz NOT NULL DEFAULT now(),
          started_at timestamptz,
          ended_at timestamptz,
          duration_seconds integer,
          -- Bumped on every change: the id of each provider.call.updated.v1 it publishes.
          version integer NOT NULL DEFAULT 1,
          UNIQUE (provider, room_id)
        );
        CREATE INDEX calls_by_conversation ON calls (conversation_id, created_at DESC);

        -- Every verified webhook event, once: the key is the provider's own event id.
        CREATE TABLE provider_events (
          provider text NOT NULL,
          event_id text NOT NULL,
          type text NOT NULL,
          room_id text NOT NULL,
          payload jsonb NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (provider, event_id)
        );
      `,
    },
    outboxTableMigration({ version: 2, schema }),
    {
      version: 3,
      name: 'the latest participant fact per identity of a call',
      sql: `ALTER TABLE calls ADD COLUMN participants_seen jsonb NOT NULL DEFAULT '{}'::jsonb;`,
    },
  ];
}
