import { Redis } from 'ioredis';
import type { RedisOptions as BullRedisOptions } from 'bullmq';

export type ErrorReporter = (err: unknown, context: string) => void;

/** How long a command (publish, registry read, ping) waits for a connection still making its first handshake. */
export const readyTimeoutMs = 2_000;

/**
 * A connection for callers that would rather fail than wait: the outbox relay keeps its rows and retries
 * later, a request handler answers 503. Commands are refused while disconnected (no offline queue) and an
 * unanswered command is abandoned after a few seconds; the client itself keeps reconnecting in the background.
 */
export function createFailFastRedis(url: string, onError: (err: unknown) => void): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 5_000,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Without a listener ioredis re-throws connection errors as uncaught exceptions and takes the process down.
  redis.on('error', onError);
  trackLastError(redis);
  return redis;
}

/**
 * A subscriber connection keeps its offline queue so that ioredis can re-subscribe by itself after a
 * reconnect; callers that must not hang go through `whenReady` first.
 */
export function createSubscriberRedis(url: string, onError: (err: unknown) => void): Redis {
  const redis = new Redis(url, {
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', onError);
  trackLastError(redis);
  return redis;
}

/**
 * Options (not an instance) for BullMQ workers: each worker then owns its connections, including the
 * blocking one, and both must retry forever (`maxRetriesPerRequest: null`) so that a Redis restart pauses
 * consumption instead of crashing the worker loop. Reconnect attempts stay at most 2 s apart, like the
 * other connections: BullMQ's own back-off grows to 20 s, so a worker would idle that long after Redis
 * is back.
 */
export function workerConnectionOptions(url: string): BullRedisOptions {
  return {
    url,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}

/** Latest connection error per client, so a refusal can say why Redis is unreachable. */
const lastErrors = new WeakMap<Redis, unknown>();

function trackLastError(redis: Redis): void {
  redis.on('error', (err: unknown) => lastErrors.set(redis, err));
  redis.on('ready', () => lastErrors.delete(redis));
}

function unreachable(redis: Redis, detail: string): Error {
  const cause = lastErrors.get(redis);
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new Error(`Redis not reachable (${detail})${reason}`, { cause });
}

/**
 * Resolves when the client can take commands now. A client known to be down (between reconnect attempts)
 * is refused at once, that is the fail-fast contract; one still making its first handshake gets up to
 * `timeoutMs` to finish it, so that the first publish after start-up does not fail for nothing.
 */
export function whenReady(redis: Redis, timeoutMs = readyTimeoutMs): Promise<void> {
  switch (redis.status) {
    case 'ready':
      return Promise.resolve();
    case 'end':
      return Promise.reject(new Error('Redis connection is closed'));
    case 'close':
    case 'reconnecting':
      return Promise.reject(unreachable(redis, 'reconnecting'));
  }
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('reconnecting', onDown);
      redis.off('end', onDown);
      if (err) reject(err);
      else resolve();
    };
    const onReady = (): void => settle();
    const onDown = (): void => settle(unreachable(redis, 'connection attempt failed'));
    const timer = setTimeout(
      () => settle(unreachable(redis, `no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    redis.on('ready', onReady);
    redis.on('reconnecting', onDown);
    redis.on('end', onDown);
  });
}

/** QUIT when connected (lets replies in flight arrive), otherwise just drop the socket and stop reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the connection died while quitting.
    }
  }
  redis.disconnect();
}
