import type { MetricDefinition } from '@parley/service-kit';

/**
 * Messaging's own metrics. Besides these it moves service-kit's shared ones (HTTP, WebSocket connections,
 * voice signals relayed) and those of the bus, the realtime fan-out and the outbox.
 */
export const MessagingMetrics = {
  messagesPersisted: {
    name: 'parley_messages_persisted_total',
    help: 'Messages stored in a conversation (a retried send that returns the first message is not counted)',
    type: 'counter',
    labelNames: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export const messagingMetricDefinitions: readonly MetricDefinition[] = Object.values(MessagingMetrics);
