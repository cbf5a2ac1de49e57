import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../principal.js';

/**
 * Where the guards keep the authenticated caller: `request.principal` for HTTP and
 * `client.principal` for WebSocket clients (set by the gateway when the connection opens).
 */
export interface PrincipalHolder {
  principal?: Principal;
}

/** The object that carries the principal in this context, or undefined for unsupported transports. */
export function principalHolderOf(context: ExecutionContext): PrincipalHolder | undefined {
  switch (context.getType()) {
    case 'http':
      return context.switchToHttp().getRequest<PrincipalHolder>();
    case 'ws':
      return context.switchToWs().getClient<PrincipalHolder>();
    default:
      return undefined;
  }
}

export function principalOf(context: ExecutionContext): Principal | undefined {
  return principalHolderOf(context)?.principal;
}
