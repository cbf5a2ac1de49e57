// What ioredis and the event bus throw when Redis cannot take a command: down, restarting or unreachable.
const UNAVAILABLE_MESSAGES = [
  /^Redis not reachable/, // the event bus and fan-out refusing at once (fail-fast connections)
  /^Redis connection is closed$/,
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Reached the max retries per request limit/,
  /^Command timed out$/,
];

/**
 * True when a Redis command failed because Redis was not there to answer, not because of the command: the
 * same request may succeed once Redis is back.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message));
}
