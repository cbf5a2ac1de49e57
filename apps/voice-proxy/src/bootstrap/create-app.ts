import 'reflect-metadata';
import { TokenVerifier } from '@parley/auth';
import { EventBus } from '@parley/event-bus';
import { openServiceDatabase } from '@parley/db';
import { createLogger, type Logger } from '@parley/logger';
import { ClientCredentialsTokens, MessagingServerClient } from '@parley/server-sdk';
import {
  checkRedisReachable,
  createHttpApp,
  HealthRegistry,
  Lifecycle,
  ServiceMetrics,
} from '@parley/service-kit';
import { Redis } from 'ioredis';
import { AppModule } from '../app.module.js';
import { CallCoordinator } from '../calls/call-coordinator.js';
import { CallsRepository } from '../calls/calls.repository.js';
import type { VoiceProxyConfig } from '../config/config.js';
import { OperatorRoster as OperatorQueue } from '@parley/desk';
import { voiceProxyMigrations } from '../storage/migrations.js';
import { SupportService } from '../support/support.service.js';

export interface RunningVoiceProxy {
  url: string;
  port: number;
  coordinator: CallCoordinator;
  /** The ordered close (also what SIGTERM runs). */
  close(): Promise<void>;
}

/**
 * Builds and starts the proxy: PostgreSQL (calls, records, pending effects), Redis (the operator queue),
 * the bus (signals in, ring timers, ended calls out), messaging (signals out), then HTTP with the bus
 * handlers. Closes in the reverse order: HTTP and the bus workers, Redis and the bus, the database last.
 */
export async function startVoiceProxy(
  config: VoiceProxyConfig,
  logger: Logger = createLogger({ service: 'voice-proxy', level: config.process.logLevel }),
  lifecycle: Lifecycle = new Lifecycle(logger),
): Promise<RunningVoiceProxy> {
  await checkRedisReachable(config.redis.url, 'the voice proxy (its operator queue and the event bus)');
  const db = await openServiceDatabase(config.database, voiceProxyMigrations, logger);
  lifecycle.onClose('close-storage', 'database', () => db.close());

  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
  redis.on('error', (err) => logger.warn({ err }, 'redis error'));
  lifecycle.onClose('close-clients', 'redis', () => redis.quit().catch(() => redis.disconnect()));
  const metrics = new ServiceMetrics('voice-proxy');
  const bus = new EventBus({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err, context) => logger.warn({ err, context }, 'event bus error'),
  });
  lifecycle.onClose('close-clients', 'event bus', () => bus.close());

  const tokens = new ClientCredentialsTokens({
    messagingUrl: config.messaging.url,
    clientId: config.messaging.clientId,
    clientSecret: config.messaging.clientSecret,
  });
  const messaging = new MessagingServerClient({ messagingUrl: config.messaging.url, tokens });
  const calls = new CallsRepository();
  const operators = new OperatorQueue(redis, config.redis.prefix);
  const coordinator = new CallCoordinator(db, calls, operators, messaging, bus, logger, {
    lineId: config.messaging.clientId,
    ringTimeoutMs: config.calls.ringTimeoutMs,
    metrics,
  });
  const support = new SupportService(
    { lineId: config.messaging.clientId, operatorUsernames: config.calls.operatorUsernames },
    operators,
    messaging,
    db,
    calls,
  );
  const verifier = TokenVerifier.fromJwksUrl(config.tokens.jwksUrl, {
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
  });

  const health = new HealthRegistry('voice-proxy')
    .probe('postgres', () => db.ping())
    .probe('redis', () => redis.ping())
    .probe('messaging-token', () => tokens.token());
  const http = await createHttpApp({
    module: AppModule.forRoot({ verifier, bus, coordinator, support }),
    http: config.http,
    logger,
    lifecycle,
    health,
    openapi: {
      title: 'Parley voice proxy',
      version: '1',
      description: 'The support line: operators’ availability and call detail records of proxied calls.',
    },
    metrics,
    authenticate: true,
    rateLimits: { settings: config.rateLimits, redis, prefix: config.redis.prefix },
  });

  // Effects a crash or an outage left behind are carried out again, with the same signal ids.
  const interval = config.calls.effectRetryIntervalMs;
  let sweeping: Promise<unknown> = coordinator.retryPendingEffects(0).catch((err) => {
    logger.warn({ err }, 'retrying pending effects failed');
  });
  const sweeper = setInterval(() => {
    sweeping = sweeping.then(() =>
      coordinator
        .retryPendingEffects(interval)
        .catch((err) => logger.warn({ err }, 'retrying pending effects failed')),
    );
  }, interval);
  sweeper.unref();
  lifecycle.onClose('stop-accepting', 'pending effects sweeper', () => clearInterval(sweeper));
  lifecycle.onClose('finish-jobs', 'pending effects sweep', () => sweeping);

  logger.info({ url: http.url, line: config.messaging.clientId }, 'voice-proxy listening');
  return {
    url: http.url,
    port: http.port,
    coordinator,
    async close() {
      const report = await lifecycle.close(config.process.shutdownTimeoutMs);
      if (!report.completed) logger.warn({ phase: report.timedOutIn }, 'voice-proxy close timed out');
    },
  };
}
