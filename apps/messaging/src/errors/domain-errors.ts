/** Domain errors: services throw these; one filter maps them to HTTP statuses and WS error frames. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly code = 'invalid_request';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Also used for "exists but you may not know it", so existence never leaks. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class InvalidCredentialsError extends DomainError {
  readonly code = 'invalid_grant';
}

export class InvalidClientError extends DomainError {
  readonly code = 'invalid_client';
}

export class InvalidScopeError extends DomainError {
  readonly code = 'invalid_scope';
}
