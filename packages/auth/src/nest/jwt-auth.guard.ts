import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { extractBearerToken, type BearerTokenSource } from '../bearer.js';
import { AuthenticationError } from '../errors.js';
import { TokenVerifier } from '../tokens/verifier.js';
import type { PrincipalHolder } from './principal-holder.js';
import { assertRequiredScopes, isPublicRoute } from './route-metadata.js';
import { TOKEN_VERIFIER } from './tokens.js';
import { WsAuthGuard } from './ws-auth.guard.js';

type AuthenticatableRequest = BearerTokenSource & PrincipalHolder;

/**
 * Authenticates HTTP requests with their bearer token and enforces @RequireScopes(). Meant to be
 * installed as APP_GUARD so every route is protected unless marked @Public().
 *
 * Nest also runs global guards for gateway handlers; there it behaves exactly like WsAuthGuard
 * (the socket was authenticated on connect). Other transports are refused, so forgetting to mark
 * something @Public() fails closed.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly wsGuard: WsAuthGuard;

  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.wsGuard = new WsAuthGuard(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(this.reflector, context)) return true;

    switch (context.getType()) {
      case 'http':
        return this.authenticateHttp(context);
      case 'ws':
        return this.wsGuard.canActivate(context);
      default:
        throw new AuthenticationError(
          'missing_token',
          `No access token can be read from a ${context.getType()} context`,
        );
    }
  }

  private async authenticateHttp(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatableRequest>();
    const principal = await this.verifier.verify(extractBearerToken(request));
    request.principal = principal;
    assertRequiredScopes(this.reflector, context, principal);
    return true;
  }
}
