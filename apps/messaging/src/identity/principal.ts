import type { Principal } from '@parley/auth';
import { ForbiddenError } from '../errors/domain-errors.js';

/** Conversation routes act on behalf of a person; a machine client has no place in a conversation. */
export function requireUser(principal: Principal): string {
  if (principal.kind !== 'user') throw new ForbiddenError('this route needs a user access token');
  return principal.subject;
}
