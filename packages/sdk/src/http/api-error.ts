import type { ErrorBody } from '@parley/protocol';

/**
 * An error from a Parley service: its HTTP status (0 when there was no answer at all), the server's reason,
 * its machine-readable `code` (`not_found`, `payload_too_large`, …) and, for refused input, the `issues`
 * naming each bad field. The SDK's own codes: `network_error` (status 0), `bad_response` (502, the answer
 * did not match the protocol) and `bad_frame` (a WebSocket frame that did not).
 */
export class ParleyApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly issues: NonNullable<ErrorBody['issues']> = [],
  ) {
    super(message);
    this.name = 'ParleyApiError';
  }

  /**
   * Network failures (no answer at all) are worth retrying; most 4xx answers are not, and neither is an
   * answer this SDK cannot read (asking again gets the same answer).
   */
  get retryable(): boolean {
    if (this.code === 'bad_response') return false;
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
