import type { Migration } from '@parley/db';

/** The same rule as @parley/db's schema names, so that a name used here never needs more than quoting. */
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"<schema>".outbox`, the table every query of this package uses. */
export function outboxTableName(schema: string): string {
  if (!schemaNamePattern.test(schema)) {
    throw new Error(`outbox: invalid schema name "${schema}" (expected ${schemaNamePattern})`);
  }
  return `"${schema}".outbox`;
}

/**
 * The outbox table of one service schema, as a migration the service appends to its own list (pick the next
 * free version). `event_id` is text so any bus job id fits (UUIDs, provider event ids); the partial index
 * keeps the relay's claim query cheap however many published rows are still kept.
 */
export function outboxTableMigration(options: { version: number; schema: string }): Migration {
  const table = outboxTableName(options.schema);
  return {
    version: options.version,
    name: 'outbox table',
    sql: `
CREATE TABLE ${table} (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  topic text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  published_at timestamptz,
  request_id text
);
CREATE INDEX outbox_pending_idx ON ${table} (id) WHERE published_at IS NULL;
`,
  };
}
