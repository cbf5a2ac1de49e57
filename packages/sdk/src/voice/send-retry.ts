import { ParleyApiError } from '../http/api-error.js';
import { reconnectDelayMs } from '../realtime/reconnect-delay.js';

/** How a voice signal that could not be delivered to the server is sent again (with the same id). */
export interface SignalRetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Backoff with full jitter between tries, doubling from `minDelayMs` up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
}

/** A call rings for seconds, not minutes: a few quick tries, then the caller hears about the failure. */
export const DEFAULT_SIGNAL_RETRY: SignalRetryPolicy = { attempts: 4, minDelayMs: 250, maxDelayMs: 2000 };

/**
 * Runs `send` until it succeeds, retrying only failures worth retrying (no answer, 408, 429, 5xx: see
 * `ParleyApiError.retryable`). A refusal (4xx) or the last failure rejects as it came.
 */
export async function sendWithRetries<T>(
  send: () => Promise<T>,
  policy: SignalRetryPolicy = DEFAULT_SIGNAL_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const retryable = err instanceof ParleyApiError && err.retryable;
      if (!retryable || attempt + 1 >= policy.attempts) throw err;
      const delay = reconnectDelayMs(attempt, policy.minDelayMs, policy.maxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
