import { UnavailableError } from '@parley/service-kit';

/** Messaging did not answer, or answered with something unusable: worth trying again later (HTTP 503). */
export class MessagingUnavailableError extends UnavailableError {
  override readonly name = 'MessagingUnavailableError';
  override readonly code: string = 'messaging_unavailable';
}

/** Messaging refused a signal for good (unknown recipient, not allowed, bad input): retrying will not help. */
export class SignalRefusedError extends Error {
  override readonly name = 'SignalRefusedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
