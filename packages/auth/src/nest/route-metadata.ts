import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { AuthorizationError } from '../errors.js';
import type { Principal } from '../principal.js';
import { missingScopes } from '../scopes.js';
import { IS_PUBLIC_KEY, REQUIRED_SCOPES_KEY } from './tokens.js';

/** Handler metadata wins over controller metadata, so @Public() can open a single route. */
export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) === true
  );
}

/** Controller and handler scope lists are combined (see RequireScopes). */
export function requiredScopes(reflector: Reflector, context: ExecutionContext): string[] {
  const lists = reflector.getAll<(string[] | undefined)[]>(REQUIRED_SCOPES_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
  return lists.flatMap((scopes) => scopes ?? []);
}

export function assertRequiredScopes(
  reflector: Reflector,
  context: ExecutionContext,
  principal: Principal,
): void {
  const missing = missingScopes(principal, requiredScopes(reflector, context));
  if (missing.length > 0) throw new AuthorizationError(missing);
}
