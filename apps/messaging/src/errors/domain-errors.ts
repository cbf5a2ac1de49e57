import { DomainError, UnavailableError } from '@parley/service-kit';

export {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
  type FieldIssue,
} from '@parley/service-kit';

/** OAuth2 (RFC 6749 §5.2) error codes of the token endpoint. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'invalid_grant';
  readonly kind = 'invalid';
}

export class InvalidClientError extends DomainError {
  readonly code = 'invalid_client';
  readonly kind = 'unauthenticated';
}

export class InvalidScopeError extends DomainError {
  readonly code = 'invalid_scope';
  readonly kind = 'invalid';
}

/** PostgreSQL is down or restarting: nothing was stored, and the same request may be sent again. */
export class DatabaseUnavailableError extends UnavailableError {
  override readonly code = 'database_unavailable';
  override readonly retryAfterSeconds = 2;
  constructor(options?: ErrorOptions) {
    super('the database is unavailable; try again shortly', options);
  }
}

/** Redis is down or restarting: live delivery and voice signals cannot go out now; the same request may be sent again. */
export class RealtimeUnavailableError extends UnavailableError {
  override readonly code = 'realtime_unavailable';
  override readonly retryAfterSeconds = 2;
  constructor(options?: ErrorOptions) {
    super('live delivery is unavailable; try again shortly', options);
  }
}
