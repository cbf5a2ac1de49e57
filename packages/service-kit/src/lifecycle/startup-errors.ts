import { Redis } from 'ioredis';

/**
 * A dependency the service cannot start without is not there (Redis down, database unreachable). The
 * message says what to do; the process exits with code 2, like a configuration error, not with a stack.
 */
export class DependencyUnreachableError extends Error {
  override readonly name = 'DependencyUnreachableError';
}

/** Fails start-up with a message a newcomer can act on, instead of endless reconnect logs. */
export async function checkRedisReachable(url: string, purpose: string, timeoutMs = 3000): Promise<void> {
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
    throw new DependencyUnreachableError(
      `Redis is not reachable at ${safeUrl} (${(err as Error).message}). ` +
        `Parley needs Redis for ${purpose}: start one (for example \`redis-server\`) or point REDIS_URL at yours.`,
    );
  } finally {
    redis.disconnect();
  }
}
