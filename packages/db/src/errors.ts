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
