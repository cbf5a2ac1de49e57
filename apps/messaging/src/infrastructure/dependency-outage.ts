import { isConnectionFailure } from '@parley/db';
import { DatabaseUnavailableError, RealtimeUnavailableError } from '../errors/domain-errors.js';
import { isRedisUnavailable } from './redis-failures.js';

/**
 * What failed because PostgreSQL or Redis is down or restarting, as the error its caller gets (an HTTP
 * request or a device frame): `database_unavailable` or `realtime_unavailable`, retryable, since nothing
 * was done; not `internal`. Any other error is returned as it is.
 */
export function asDependencyOutage(err: unknown): unknown {
  if (isConnectionFailure(err)) return new DatabaseUnavailableError({ cause: err });
  if (isRedisUnavailable(err)) return new RealtimeUnavailableError({ cause: err });
  return err;
}
