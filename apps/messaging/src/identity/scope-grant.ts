import { parseScopeString } from '@parley/auth';
import { InvalidScopeError } from '../errors/domain-errors.js';

/**
 * OAuth2 scope grant: no `scope` asked means everything allowed; asking for a scope the subject may not
 * have is refused outright (RFC 6749 `invalid_scope`), never silently narrowed.
 */
export function grantScopes(allowed: readonly string[], requested: string | undefined): string[] {
  const asked = parseScopeString(requested);
  if (asked.length === 0) return [...allowed];
  const refused = asked.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw new InvalidScopeError(`scope not allowed: ${refused.join(' ')}`);
  return asked;
}
