export { OutboxRepository, type OutboxEntry, type OutboxRow } from './outbox.repository.js';
export { OutboxRelay, type OutboxLogger, type OutboxRelayOptions } from './outbox-relay.js';
export { outboxTableMigration, outboxTableName } from './outbox-table.js';
export { relayBackoffMs } from './relay-backoff.js';
export { OutboxMetrics, outboxMetricDefinitions, type OutboxMetricsRecorder } from './outbox-metrics.js';
