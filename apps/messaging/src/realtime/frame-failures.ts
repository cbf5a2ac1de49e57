import { isConnectionFailure } from '@parley/db';
import { DatabaseUnavailableError, RealtimeUnavailableError } from '../errors/domain-errors.js';
import { isRedisUnavailable } from '../infrastructure/redis-failures.js';

/**
 * A device frame that failed because PostgreSQL or Redis is down gets the codes a request gets over HTTP
 * (`database_unavailable`, `realtime_unavailable`: nothing was done, the same frame may be sent again
 * shortly), not `internal`. Any other error is returned as it is.
 */
export function asDependencyOutage(err: unknown): unknown {
  if (isConnectionFailure(err)) return new DatabaseUnavailableError({ cause: err });
  if (isRedisUnavailable(err)) return new RealtimeUnavailableError({ cause: err });
  return err;
}
