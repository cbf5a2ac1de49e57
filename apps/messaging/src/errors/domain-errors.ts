import { DomainError } from '@parley/service-kit';

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
