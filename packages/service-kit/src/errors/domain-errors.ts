/**
 * Domain errors: services throw these and never an HTTP exception, so the same error works over REST,
 * WebSocket, gRPC and in background jobs. Each has a stable `code` for clients and a `kind` that decides,
 * in one place (failure.ts), the HTTP status, WebSocket close code and gRPC status.
 */
export type FailureKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_type'
  | 'rate_limited'
  | 'unavailable';

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: FailureKind;
}

export class ValidationError extends DomainError {
  readonly code: string = 'invalid_request';
  readonly kind = 'invalid';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Also used for "exists but you may not know it", so existence never leaks. */
export class NotFoundError extends DomainError {
  readonly code: string = 'not_found';
  readonly kind = 'not_found';
}

export class ForbiddenError extends DomainError {
  readonly code: string = 'forbidden';
  readonly kind = 'forbidden';
}

export class ConflictError extends DomainError {
  readonly code: string = 'conflict';
  readonly kind = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly code: string = 'payload_too_large';
  readonly kind = 'too_large';
}

/** The content is of a type the service does not take (an upload whose bytes are not what it claims). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code: string = 'unsupported_media_type';
  readonly kind = 'unsupported_type';
}

/** Too many requests: try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  readonly code: string = 'rate_limited';
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency (PostgreSQL, Redis) is down: the request may succeed later. */
export class UnavailableError extends DomainError {
  readonly code: string = 'unavailable';
  readonly kind = 'unavailable';
  /** When a retry is worth it, if known: sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;
}
