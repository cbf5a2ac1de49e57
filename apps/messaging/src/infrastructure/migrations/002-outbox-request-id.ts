import type { Migration } from '@parley/db';

/** The request that stored an outbox row, so the bus event (and its handlers' logs) can name it. */
export const outboxRequestId: Migration = {
  version: 2,
  name: 'outbox request id',
  sql: `ALTER TABLE outbox ADD COLUMN request_id text;`,
};
