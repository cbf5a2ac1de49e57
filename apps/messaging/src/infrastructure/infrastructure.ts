import { openServiceDatabase, type Database } from '@parley/db';
import { EventBus, RealtimeFanout } from '@parley/event-bus';
import type { TokenIssuer } from '@parley/auth';
import type { Logger } from '@parley/logger';
import { checkRedisReachable, ServiceMetrics, type Lifecycle } from '@parley/service-kit';
import { Redis } from 'ioredis';
import type { MessagingConfig } from '../config/config.js';
import { messagingMigrations } from './migrations/index.js';
import { loadTokenIssuer } from './signing-key.js';

/** Process-wide resources, built (and checked) before Nest starts so a missing dependency fails clearly. */
export interface MessagingInfrastructure {
  config: MessagingConfig;
  logger: Logger;
  db: Database;
  bus: EventBus;
  fanout: RealtimeFanout;
  /** A plain client for what every node shares outside pub/sub: rate-limit counters, presence. */
  redis: Redis;
  issuer: TokenIssuer;
  /** The service's Prometheus registry, shared by the bus, the fan-out and the HTTP app. */
  metrics: ServiceMetrics;
}

/**
 * Opens storage, Redis and the bus, each registered with the lifecycle so the service closes them in order:
 * Redis clients and the bus before the database.
 */
export async function buildInfrastructure(
  config: MessagingConfig,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<MessagingInfrastructure> {
  await checkRedisReachable(config.redis.url, 'real-time delivery and its event bus');
  const db = await openServiceDatabase(config.database, messagingMigrations, logger);
  lifecycle.onClose('close-storage', 'database', () => db.close());

  const metrics = new ServiceMetrics('messaging');
  const bus = new EventBus({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err, context) => logger.warn({ err, context }, 'event bus error'),
  });
  lifecycle.onClose('close-clients', 'event bus', () => bus.close());
  const fanout = new RealtimeFanout({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    metrics,
    onError: (err) => logger.warn({ err }, 'realtime fan-out error'),
  });
  lifecycle.onClose('close-clients', 'realtime fan-out', () => fanout.close());
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // The rate-limit counts and presence updates of requests served in one loop turn share one write.
    enableAutoPipelining: true,
  });
  redis.on('error', (err) => logger.debug({ err }, 'rate-limit redis error'));
  lifecycle.onClose('close-clients', 'rate-limit redis', () => redis.quit().catch(() => redis.disconnect()));
  const issuer = await loadTokenIssuer(config.tokens);
  return { config, logger, db, bus, fanout, redis, issuer, metrics };
}
