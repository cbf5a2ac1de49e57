/**
 * A metric as data: what it is called, what it means and how it is split. Definitions are plain objects so
 * that a package can declare its metrics without importing a metrics library, and so that the dashboards and
 * docs can be checked against the full list without starting a service.
 */
export interface MetricDefinition<L extends string = string> {
  /** `parley_<area>_<what>_<unit>`: `_total` for counters, `_seconds` for durations. */
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly L[];
  /** Histogram bucket bounds (defaults suit request latencies in seconds). */
  buckets?: readonly number[];
}

/** The service that exposes a metric is a label on every series (the registry's default label). */
export const SERVICE_LABEL = 'service';

export const HttpMetrics = {
  requests: {
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    type: 'counter',
    labelNames: ['method', 'route', 'status'],
  },
  requestDuration: {
    name: 'parley_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its response, by method, route template and status code',
    type: 'histogram',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
} as const satisfies Record<string, MetricDefinition>;

/** The WebSocket endpoints of a service (messaging's realtime socket, terminal-core's bridge). */
export const WebSocketMetrics = {
  openConnections: {
    name: 'parley_websocket_open_connections',
    help: 'WebSocket connections open now, by endpoint path',
    type: 'gauge',
    labelNames: ['endpoint'],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Calls and their signalling, moved by more than one service, so defined once here. */
export const CallMetrics = {
  activeCalls: {
    name: 'parley_call_active_calls',
    help: 'Calls in progress on this node (ringing or connected), read at scrape time',
    type: 'gauge',
    labelNames: [],
  },
  signalsRelayed: {
    name: 'parley_voice_signals_relayed_total',
    help: 'Voice signals relayed (messaging: sent to a live identity; voice-proxy: a signal to a call leg), by signal kind',
    type: 'counter',
    labelNames: ['kind'],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Every metric the service kit defines, those it records itself and those shared by several services. */
export const serviceKitMetricDefinitions: readonly MetricDefinition[] = [
  ...Object.values(HttpMetrics),
  ...Object.values(WebSocketMetrics),
  ...Object.values(CallMetrics),
];
