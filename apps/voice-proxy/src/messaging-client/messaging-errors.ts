/** Messaging did not answer, or answered with something unusable: worth trying again later. */
export class MessagingUnavailableError extends Error {
  override readonly name = 'MessagingUnavailableError';
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
