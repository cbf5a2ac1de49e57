// Public surface of @parley/service-kit. Anything not exported here is an implementation detail.

export {
  ConfigError,
  defineConfig,
  jsonVariable,
  section,
  type ConfigOf,
  type ConfigSection,
  type ServiceConfigDefinition,
} from './config/define-config.js';
export {
  databaseSection,
  httpSection,
  outboundSection,
  processSection,
  rateLimitSection,
  redisSection,
  tokenVerificationSection,
} from './config/sections.js';

export {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FailureKind,
  type FieldIssue,
} from './errors/domain-errors.js';
export {
  describeFailure,
  failureToGrpc,
  failureToHttp,
  failureToWsClose,
  failureToWsFrame,
  GrpcCodes,
  WsCloseCodes,
  type Failure,
  type HttpFailure,
} from './errors/failure.js';
export { assertStorableInput, describeIssues, parseInput, type InputPlace } from './errors/parse-input.js';

export { ClosePhases, Lifecycle, type ClosePhase, type CloseReport } from './lifecycle/lifecycle.js';
export {
  ExitCodes,
  runService,
  type RunServiceOptions,
  type ServiceContext,
} from './lifecycle/run-service.js';
export { checkRedisReachable, DependencyUnreachableError } from './lifecycle/startup-errors.js';

export { createHttpApp, type HttpApp, type HttpAppOptions } from './http/create-http-app.js';
export { CORS_ORIGIN_SOURCE, type CorsOriginSource } from './http/cors-origins.js';
export { REQUEST_ID_HEADER } from './http/request-context.js';
export {
  CredentialsPolicies,
  RateLimit,
  rateLimitPolicies,
  RateLimits,
  WRITES_POLICY,
  type RateLimitPolicy,
  type RateLimitSettings,
} from './http/rate-limits.js';

export { HealthRegistry, type HealthReport, type ProbeStatus } from './health/health-registry.js';

export { CurrentUser, ZodBody, ZodParam, ZodQuery, ZodResponse } from './input/zod-input.js';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi/openapi-document.js';

export {
  CallMetrics,
  HttpMetrics,
  METRICS_PATH,
  SERVICE_LABEL,
  ServiceMetrics,
  serviceKitMetricDefinitions,
  WebSocketMetrics,
  type GaugeReading,
  type MetricDefinition,
} from './metrics/index.js';

export {
  ManagedSocket,
  PreparedTextFrame,
  rejectUpgrade,
  WebSocketEndpoint,
  type WebSocketEndpointOptions,
} from './ws/websocket-endpoint.js';

export { OutboundTargets } from './outbound/internal-targets.js';
export {
  createOutboundFetch,
  OUTBOUND_REFUSED,
  OutboundTargetRefusedError,
  type OutboundFetch,
} from './outbound/outbound-fetch.js';
