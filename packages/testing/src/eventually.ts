import { setTimeout as delay } from 'node:timers/promises';

/** What `eventually` treats as "not yet". */
export type NotYet = false | null | undefined;

export interface EventuallyOptions {
  /** Pause between two checks. */
  intervalMs?: number;
}

/**
 * Polls `check` (sync or async) until it returns something other than false, null or undefined, and
 * resolves with that value. A check that throws counts as "not yet"; its last error is the `cause` of the
 * timeout error, so an assertion inside `check` explains what never became true.
 *
 * Wait for the outcome a test expects, never for a fixed time: the deadline only bounds a failure.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
  { intervalMs = 25 }: EventuallyOptions = {},
): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (isReady(value)) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastError });
    }
    await delay(intervalMs);
  }
}

function isReady<T>(value: T): value is Exclude<T, NotYet> {
  return value !== false && value !== null && value !== undefined;
}
