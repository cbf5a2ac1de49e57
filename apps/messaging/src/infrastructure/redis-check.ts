import { Redis } from 'ioredis';

export class RedisUnreachableError extends Error {}

/** Fails start-up with a message a newcomer can act on, instead of endless reconnect logs. */
export async function checkRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new RedisUnreachableError(
      `Redis is not reachable at ${safeUrl} (${(err as Error).message}). ` +
        'Parley needs Redis for real-time delivery and its event bus: start one (for example `redis-server`) ' +
        'or point REDIS_URL at yours.',
    );
  } finally {
    redis.disconnect();
  }
}
