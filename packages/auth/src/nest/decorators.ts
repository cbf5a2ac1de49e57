import {
  createParamDecorator,
  SetMetadata,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { Principal } from '../principal.js';
import { IS_PUBLIC_KEY, REQUIRED_SCOPES_KEY } from './tokens.js';
import { principalOf } from './principal-holder.js';

/** Marks a handler or controller as reachable without an access token (health checks, token endpoint). */
export function Public(): CustomDecorator {
  return SetMetadata(IS_PUBLIC_KEY, true);
}

/**
 * Scopes the caller must hold. On a controller and on a handler the lists add up: a handler can
 * demand more than its controller, never less.
 */
export function RequireScopes(...scopes: string[]): CustomDecorator {
  return SetMetadata(REQUIRED_SCOPES_KEY, scopes);
}

/**
 * Injects the authenticated Principal into a handler parameter (HTTP request or WebSocket client).
 * Undefined on @Public() routes, where no guard authenticated the caller.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => principalOf(context),
);
