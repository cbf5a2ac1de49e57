import type { MetricDefinition } from '@parley/service-kit';

/**
 * The terminal core's own metrics. Besides these it moves service-kit's shared ones (HTTP, WebSocket
 * connections of the bridge, active calls) and those of the bus and the realtime fan-out.
 */
export const TerminalCoreMetrics = {
  openStreams: {
    name: 'parley_grpc_open_streams',
    help: 'gRPC Pipe and MultiPipe streams open on this node, read at scrape time',
    type: 'gauge',
    labelNames: [],
  },
  registeredTerminals: {
    name: 'parley_terminal_registered_terminals',
    help: 'Terminals registered on this node (over gRPC or the WebSocket bridge), read at scrape time',
    type: 'gauge',
    labelNames: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export const terminalCoreMetricDefinitions: readonly MetricDefinition[] = Object.values(TerminalCoreMetrics);
