import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthenticationError, type Principal } from '@parley/auth';
import { ForbiddenError } from '../errors/domain-errors.js';

/**
 * The machine client calling (its OAuth2 client id). Routes for customer backends refuse user tokens with
 * 403 even when a user holds the scope: what a route does for a client is not what it would do for a person.
 */
export const CurrentClient = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new AuthenticationError('missing_token');
  if (principal.kind !== 'client') throw new ForbiddenError('this route needs a machine client access token');
  return principal.subject;
});
