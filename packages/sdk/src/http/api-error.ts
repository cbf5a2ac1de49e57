import type { ErrorBody } from '@parley/protocol';

/** An HTTP error answered by a Parley service, with its status and the server's reason. */
export class ParleyApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly issues: ErrorBody['issues'] = [],
  ) {
    super(message);
    this.name = 'ParleyApiError';
  }

  /** Network failures (no answer at all) are worth retrying; most 4xx answers are not. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
