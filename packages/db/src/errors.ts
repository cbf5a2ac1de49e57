const UNIQUE_VIOLATION = '23505';

/**
 * True for SQLSTATE 23505 from either driver (both expose `.code`).
 * With `constraint`, also requires the violated constraint's name to match.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, constraint: violated } = err as { code?: unknown; constraint?: unknown };
  if (code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || violated === constraint;
}

// SQLSTATE class 08 (connection exception) and the server going away or not taking connections yet:
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// Socket errors of a server that is down, restarting or unreachable.
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// pg reports a connection lost mid-query, and a pool that could not connect in time, with no code.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * True when a statement failed because the database could not be reached or went away (down, restarting,
 * refusing connections), not because of the statement: the same request may succeed later.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
  if (err instanceof AggregateError) return err.errors.some(isConnectionFailure);
  return false;
}
