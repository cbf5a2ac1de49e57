import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError } from '../errors.js';
import type { PrincipalHolder } from './principal-holder.js';
import { assertRequiredScopes, isPublicRoute } from './route-metadata.js';

/**
 * Guards @nestjs/websockets message handlers. Tokens are verified once, when the connection opens
 * (the gateway stores `client.principal`), so this guard only reads that principal and enforces
 * @RequireScopes() per message.
 *
 * It also refuses principals whose token has expired since: sockets outlive access tokens, and the
 * realtime protocol lets clients swap in a fresh token without reconnecting (mark that handler
 * @Public() so an expired socket can still reach it).
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, context)) return true;

    const principal = context.switchToWs().getClient<PrincipalHolder>()?.principal;
    if (!principal) throw new AuthenticationError('missing_token', 'The connection is not authenticated');
    if (principal.expiresAt <= Math.floor(Date.now() / 1000)) throw new AuthenticationError('expired_token');

    assertRequiredScopes(this.reflector, context, principal);
    return true;
  }
}
