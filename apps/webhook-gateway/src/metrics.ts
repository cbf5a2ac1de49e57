import type { MetricDefinition } from '@parley/service-kit';

/**
 * The webhook gateway's own metrics. Besides these it moves service-kit's HTTP metrics and those of the
 * bus and the outbox.
 */
export const WebhookGatewayMetrics = {
  deliveryAttempts: {
    name: 'parley_webhook_delivery_attempts_total',
    help: 'Attempts to deliver an outgoing webhook to a client endpoint, by the delivery status they left: succeeded, retrying (failed, another attempt is scheduled) or dead (failed, no attempts left)',
    type: 'counter',
    labelNames: ['status'],
  },
  providerWebhooks: {
    name: 'parley_provider_webhooks_received_total',
    help: 'Webhooks received from call providers, by provider and outcome (stored, or the code of the error that refused it)',
    type: 'counter',
    labelNames: ['provider', 'outcome'],
  },
} as const satisfies Record<string, MetricDefinition>;

export const webhookGatewayMetricDefinitions: readonly MetricDefinition[] =
  Object.values(WebhookGatewayMetrics);
