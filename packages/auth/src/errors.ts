/**
 * Domain errors raised by this package. They are deliberately not Nest HttpExceptions: each app maps
 * them to its own HTTP status / WebSocket close code in one place (an exception filter), so the same
 * errors work for REST, WebSocket and background consumers alike.
 */

/** Why a request could not be authenticated; stable strings that apps may put on the wire. */
export type AuthenticationFailureReason = 'missing_token' | 'invalid_token' | 'expired_token';

/** The caller did not prove who they are (maps to HTTP 401). */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';

  constructor(
    readonly reason: AuthenticationFailureReason,
    message: string = defaultAuthenticationMessages[reason],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const defaultAuthenticationMessages: Record<AuthenticationFailureReason, string> = {
  missing_token: 'An access token is required',
  invalid_token: 'The access token is invalid',
  expired_token: 'The access token has expired',
};

/** The caller is known but lacks scopes the operation needs (maps to HTTP 403). */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationError';

  constructor(
    readonly missingScopes: string[],
    message: string = `Missing required scope(s): ${missingScopes.join(' ')}`,
  ) {
    super(message);
  }
}
