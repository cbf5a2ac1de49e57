/**
 * Messaging did not answer, or answered with something unusable (network failure, timeout, HTTP 5xx, 408/429,
 * a body that does not match its schema, refused client credentials): worth trying again later.
 */
export class MessagingUnavailableError extends Error {
  override readonly name = 'MessagingUnavailableError';
  readonly code = 'messaging_unavailable';
}

/** Messaging refused a signal for good (unknown recipient, not allowed, bad input): retrying will not help. */
export class SignalRefusedError extends Error {
  override readonly name = 'SignalRefusedError';
  constructor(
    /** The HTTP status messaging answered with (a 4xx other than 408 and 429). */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Messaging refused a request for good (HTTP 4xx other than 408 and 429): bad input, a missing scope, an
 * unknown conversation. `code` and `message` are messaging's own error body.
 */
export class ParleyRequestError extends Error {
  override readonly name = 'ParleyRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
