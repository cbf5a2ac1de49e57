import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TokenVerifier } from '@parley/auth';
import { RealtimeFanout } from '@parley/event-bus';
import { createLogger, PinoNestLogger, type Logger } from '@parley/logger';
import { Redis } from 'ioredis';
import { AppModule } from '../app.module.js';
import { TerminalWsBridge } from '../bridge/terminal-ws-bridge.js';
import { CallCoordinator } from '../calls/call-coordinator.js';
import { CallStore } from '../calls/call-store.js';
import { NodeBus } from '../cluster/node-bus.js';
import type { TerminalCoreConfig } from '../config/config.js';
import { WebTerminalGrpcServer } from '../grpc/web-terminal-grpc-server.js';
import type { PhoneNetwork } from '../phone/phone-network.js';
import { SimulatedPhoneNetwork } from '../phone/simulated-phone-network.js';
import { TerminalRegistry } from '../terminals/terminal-registry.js';

export interface RunningTerminalCore {
  httpUrl: string;
  grpcPort: number;
  nodeId: string;
  coordinator: CallCoordinator;
  close(): Promise<void>;
}

export class RedisUnreachableError extends Error {}

/** Builds and starts one core node: HTTP (health + WebSocket bridge) and gRPC, on Redis. */
export async function startTerminalCore(
  config: TerminalCoreConfig,
  logger: Logger = createLogger({ service: 'terminal-core', level: config.logLevel }),
  options: { verifier?: TokenVerifier; phone?: PhoneNetwork } = {},
): Promise<RunningTerminalCore> {
  const nodeId = config.nodeId ?? `core-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnreachableError(
      `Redis is not reachable at ${config.redis.url} (${(err as Error).message}). The terminal core keeps registrations and calls there: start Redis or set REDIS_URL.`,
    );
  }
  const fanout = new RealtimeFanout({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    onError: (err) => logger.warn({ err }, 'fan-out error'),
  });
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
  );
  await coordinator.start();
  const heartbeat = setInterval(() => void coordinator.heartbeat().catch(() => undefined), 5000);
  heartbeat.unref();

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ redis, coordinator }), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.enableCors({ origin: true });
  await app.listen(config.http.port, config.http.host);
  const httpServer = app.getHttpServer() as Server;
  const bridge = new TerminalWsBridge(httpServer, coordinator, verifier, logger);
  const grpc = new WebTerminalGrpcServer(coordinator, verifier, logger);
  const grpcPort = await grpc.listen(config.grpc.host, config.grpc.port);
  const httpPort = (httpServer.address() as AddressInfo).port;
  logger.info({ node: nodeId, httpPort, grpcPort }, 'terminal-core listening');

  let closed = false;
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcPort,
    nodeId,
    coordinator,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      bridge.close();
      await coordinator.close();
      await grpc.close();
      await app.close();
      await fanout.close();
      redis.disconnect();
    },
  };
}
