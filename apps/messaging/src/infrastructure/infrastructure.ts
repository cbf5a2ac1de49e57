import { describeDatabase, openDatabase, runMigrations, type Database } from '@parley/db';
import { EventBus, RealtimeFanout } from '@parley/event-bus';
import type { TokenIssuer } from '@parley/auth';
import type { Logger } from '@parley/logger';
import type { MessagingConfig } from '../config/config.js';
import { messagingMigrations } from './migrations/index.js';
import { loadTokenIssuer } from './signing-key.js';
import { checkRedisReachable } from './redis-check.js';

/** Process-wide resources, built (and checked) before Nest starts so a missing dependency fails clearly. */
export interface MessagingInfrastructure {
  config: MessagingConfig;
  logger: Logger;
  db: Database;
  bus: EventBus;
  fanout: RealtimeFanout;
  issuer: TokenIssuer;
  close(): Promise<void>;
}

export async function buildInfrastructure(
  config: MessagingConfig,
  logger: Logger,
): Promise<MessagingInfrastructure> {
  await checkRedisReachable(config.redis.url);
  const dbOptions = {
    url: config.database.url,
    pgliteDir: config.database.url ? undefined : config.database.pgliteDir,
    schema: config.database.schema,
    onError: (err: unknown) => logger.error({ err }, 'database connection error'),
  };
  const db = await openDatabase(dbOptions);
  const { applied } = await runMigrations(db, messagingMigrations);
  logger.info({ database: describeDatabase(dbOptions), applied }, 'database ready');

  const bus = new EventBus({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    onError: (err, context) => logger.warn({ err, context }, 'event bus error'),
  });
  const fanout = new RealtimeFanout({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    onError: (err) => logger.warn({ err }, 'realtime fan-out error'),
  });
  const issuer = await loadTokenIssuer(config.tokens);
  return {
    config,
    logger,
    db,
    bus,
    fanout,
    issuer,
    async close() {
      await Promise.allSettled([bus.close(), fanout.close()]);
      await db.close();
    },
  };
}
