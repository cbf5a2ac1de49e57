import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthenticationError, type Principal } from '@parley/auth';
import { ForbiddenError } from '@parley/service-kit';

/**
 * The machine client calling a webhooks route: endpoints belong to an OAuth client, never to a person, so a
 * user's token is refused with 403 (its missing `webhooks.manage` scope already says so in the guard).
 */
export const WebhookClient = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new AuthenticationError('missing_token');
  if (principal.kind !== 'client') throw new ForbiddenError('webhook endpoints belong to machine clients');
  return principal.subject;
});
