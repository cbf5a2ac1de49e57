export {
  CallMetrics,
  HttpMetrics,
  SERVICE_LABEL,
  serviceKitMetricDefinitions,
  WebSocketMetrics,
  type MetricDefinition,
} from './metric-definition.js';
export { ServiceMetrics, type GaugeReading } from './service-metrics.js';
export { recordHttpMetrics, routeTemplateOf, UNMATCHED_ROUTE } from './http-metrics.js';
export { METRICS_PATH, mountMetrics } from './metrics-route.js';
