/**
 * The outbox's metrics, as data (see @parley/service-kit's MetricDefinition), and the part of a service's
 * metrics registry the relay needs: service-kit's `ServiceMetrics` fits it.
 */
interface GaugeDefinition {
  name: string;
  help: string;
  type: 'gauge';
  labelNames: readonly string[];
}

export interface OutboxMetricsRecorder {
  /** A gauge read at each scrape. */
  sample(def: GaugeDefinition, read: () => Promise<number>): void;
}

export const OutboxMetrics = {
  pendingRows: {
    name: 'parley_outbox_pending_rows',
    help: 'Outbox rows not published to the bus yet (rows set aside as unpublishable included), read at scrape time',
    type: 'gauge',
    labelNames: [],
  },
  lag: {
    name: 'parley_outbox_lag_seconds',
    help: 'Age of the oldest outbox row still waiting to be published (0 when none waits), read at scrape time',
    type: 'gauge',
    labelNames: [],
  },
} as const satisfies Record<string, GaugeDefinition>;

export const outboxMetricDefinitions: readonly GaugeDefinition[] = Object.values(OutboxMetrics);
