// Public surface of @parley/testing: the helpers every Parley test suite shares.

export { testDatabaseUrl, testDb, testRedisUrl, type TestDb } from './environment.js';
export { freePort } from './ports.js';
export { randomMsisdn } from './msisdn.js';
export { eventually, type EventuallyOptions, type NotYet } from './eventually.js';
export { dependencyStatus, readReadiness, type Readiness } from './readiness.js';
export {
  adoptTestNamespace,
  allocateTestNamespace,
  cleanTestNamespace,
  deleteRedisKeys,
  type TestNamespace,
  type TestNamespaceNames,
  type TestNamespaceOptions,
} from './namespace.js';
export {
  startTokenServer,
  type MintTokenRequest,
  type TokenServer,
  type TokenServerOptions,
} from './token-server.js';
export {
  startService,
  stopProcess,
  type ExitStatus,
  type ServiceProcess,
  type StartServiceOptions,
} from './service-process.js';
export {
  messagingMainJs,
  messagingTestEnv,
  startMessagingForTests,
  TEST_PASSWORD,
  type MessagingForTests,
  type OAuthClientForTests,
  type SignUpForTests,
  type StartMessagingForTestsOptions,
} from './messaging-for-tests.js';
export { connectMessagingDevice, type MessagingDevice } from './messaging-device.js';
export {
  parsePrometheusText,
  PrometheusMetrics,
  scrapeMetrics,
  type PrometheusSample,
} from './prometheus.js';
export { startPrivateRedis, type PrivateRedis, type PrivateRedisOptions } from './private-redis.js';
export {
  startPrivatePostgres,
  type PrivatePostgres,
  type PrivatePostgresOptions,
} from './private-postgres.js';
export { GrpcTerminal, type TerminalKind } from './grpc-terminal.js';
export { RepairingDevice, type RepairingDeviceOptions } from './repairing-device.js';
