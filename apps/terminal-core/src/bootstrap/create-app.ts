import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { TokenVerifier } from '@parley/auth';
import { EventBus, RealtimeFanout } from '@parley/event-bus';
import { createLogger, type Logger } from '@parley/logger';
import {
  CallMetrics,
  checkRedisReachable,
  createHttpApp,
  HealthRegistry,
  Lifecycle,
  ServiceMetrics,
} from '@parley/service-kit';
import { Redis } from 'ioredis';
import { AppModule } from '../app.module.js';
import { BusCallHistory } from '../call-history/call-history.js';
import { TerminalWsBridge } from '../bridge/terminal-ws-bridge.js';
import { CallCoordinator } from '../calls/call-coordinator.js';
import { CallStore } from '../calls/call-store.js';
import { NodeBus } from '../cluster/node-bus.js';
import type { TerminalCoreConfig } from '../config/config.js';
import { WebTerminalGrpcServer } from '../grpc/web-terminal-grpc-server.js';
import type { PhoneNetwork } from '../phone/phone-network.js';
import { SimulatedPhoneNetwork } from '../phone/simulated-phone-network.js';
import { TerminalRegistry } from '../terminals/terminal-registry.js';
import { TerminalCoreMetrics } from '../metrics.js';

export interface RunningTerminalCore {
  httpUrl: string;
  grpcPort: number;
  nodeId: string;
  coordinator: CallCoordinator;
  /** The ordered close (also what SIGTERM runs). */
  close(): Promise<void>;
}

/**
 * Builds and starts one core node: HTTP (health, docs, the WebSocket bridge) and gRPC, on Redis. Each part
 * registers its close: gRPC and the bridge stop accepting, terminals' streams end (their calls get Bye),
 * then Redis closes.
 */
export async function startTerminalCore(
  config: TerminalCoreConfig,
  logger: Logger = createLogger({ service: 'terminal-core', level: config.process.logLevel }),
  options: { verifier?: TokenVerifier; phone?: PhoneNetwork; lifecycle?: Lifecycle } = {},
): Promise<RunningTerminalCore> {
  const lifecycle = options.lifecycle ?? new Lifecycle(logger);
  const nodeId = config.process.nodeId ?? `core-${randomBytes(4).toString('hex')}`;
  await checkRedisReachable(config.redis.url, 'the terminal core (registrations and calls live there)');
  // Commands issued together (the Redis work of one call decision) go out in one write and one round
  // trip: a call setup is a handful of decisions, each a few commands.
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));
  lifecycle.onClose('close-clients', 'redis', () => redis.quit().catch(() => redis.disconnect()));
  const metrics = new ServiceMetrics('terminal-core');
  const fanout = new RealtimeFanout({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err) => logger.warn({ err }, 'fan-out error'),
  });
  // Finished calls go to the bus as call.ended.v1 (messaging logs them in the users' conversation).
  const bus = new EventBus({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err, context) => logger.warn({ err, context }, 'event bus error'),
  });
  lifecycle.onClose('close-clients', 'event bus', () => bus.close());
  const verifier =
    options.verifier ??
    TokenVerifier.fromJwksUrl(config.tokens.jwksUrl, {
      issuer: config.tokens.issuer,
      audience: config.tokens.audience,
    });
  const coordinator = new CallCoordinator(
    { nodeId, ringTimeoutMs: config.calls.ringTimeoutMs, messagesPerSecond: config.calls.messagesPerSecond },
    new TerminalRegistry(redis, config.redis.prefix),
    new CallStore(redis, config.redis.prefix),
    new NodeBus(fanout, nodeId),
    options.phone ?? new SimulatedPhoneNetwork(config.calls.phoneAnswerDelayMs),
    logger.child({ node: nodeId }),
    new BusCallHistory(bus, logger),
  );
  await coordinator.start();
  // Unregisters this node's terminals and closes the node bus (its fan-out) before Redis goes.
  lifecycle.onClose('finish-jobs', 'call coordinator', () => coordinator.close());
  const heartbeat = setInterval(() => void coordinator.heartbeat().catch(() => undefined), 5000);
  heartbeat.unref();
  lifecycle.onClose('stop-accepting', 'node heartbeat', () => clearInterval(heartbeat));

  const health = new HealthRegistry('terminal-core')
    .probe('redis', () => redis.ping())
    .detail('node', () => nodeId)
    .detail('terminals', () => coordinator.terminalCount)
    .detail('ownedCalls', () => coordinator.ownedCallCount);
  metrics.sample(TerminalCoreMetrics.registeredTerminals, () => coordinator.terminalCount);
  metrics.sample(CallMetrics.activeCalls, () => coordinator.ownedCallCount);
  const http = await createHttpApp({
    module: AppModule.forRoot(verifier, config.ice),
    http: config.http,
    logger,
    lifecycle,
    health,
    openapi: {
      title: 'Parley terminal core',
      version: '1',
      description: 'Health of a core node and the ICE servers (STUN/TURN) for calls.',
    },
    metrics,
    authenticate: true,
    rateLimits: { settings: config.rateLimits, redis, prefix: config.redis.prefix },
  });
  const bridge = new TerminalWsBridge(http.server, coordinator, verifier, logger, metrics);
  lifecycle.onClose('end-streams', 'terminal bridge', () => bridge.close());
  const grpc = new WebTerminalGrpcServer(coordinator, verifier, logger, metrics);
  const grpcPort = await grpc.listen(config.grpc.host, config.grpc.port);
  lifecycle.onClose('end-streams', 'grpc', () => grpc.close());
  logger.info({ node: nodeId, httpPort: http.port, grpcPort }, 'terminal-core listening');

  return {
    httpUrl: http.url,
    grpcPort,
    nodeId,
    coordinator,
    async close() {
      const report = await lifecycle.close(config.process.shutdownTimeoutMs);
      if (!report.completed) logger.warn({ phase: report.timedOutIn }, 'terminal-core close timed out');
    },
  };
}
