import type { JobsOptions } from 'bullmq';

/** How a group wants its failed jobs retried; declared by the subscriber, applied by every publisher. */
export interface RetryPolicy {
  /** Total tries, the first one included. */
  attempts: number;
  /** First retry delay; each next retry waits twice as long (BullMQ's exponential backoff). */
  backoffDelayMs: number;
}

/** 8 tries 2 s apart doubling: about 8.5 minutes of retries before a job lands in the dead letters. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 8, backoffDelayMs: 2_000 };

/**
 * Completed jobs are kept, not deleted: while a job id exists BullMQ will not add it again, which is the
 * whole de-duplication. 24 h covers any outbox relay retry; the count caps memory under heavy traffic.
 */
const keepCompleted = { age: 24 * 60 * 60, count: 100_000 };

/** Failed jobs are the dead letters: kept long enough for someone to look at them and replay. */
const keepFailed = { age: 30 * 24 * 60 * 60, count: 100_000 };

export function resolveRetryPolicy(
  options: { attempts?: number; backoffDelayMs?: number } = {},
): RetryPolicy {
  const policy = {
    attempts: options.attempts ?? defaultRetryPolicy.attempts,
    backoffDelayMs: options.backoffDelayMs ?? defaultRetryPolicy.backoffDelayMs,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new Error(`event bus: attempts must be an integer >= 1, got ${policy.attempts}`);
  }
  if (!Number.isFinite(policy.backoffDelayMs) || policy.backoffDelayMs < 0) {
    throw new Error(`event bus: backoffDelayMs must be a number >= 0, got ${policy.backoffDelayMs}`);
  }
  return policy;
}

/** Reads a policy stored in Redis by a subscriber; anything unreadable falls back to the default. */
export function parseStoredRetryPolicy(raw: string | null | undefined): RetryPolicy {
  if (!raw) return defaultRetryPolicy;
  try {
    const stored = JSON.parse(raw) as Partial<RetryPolicy>;
    return resolveRetryPolicy({ attempts: stored.attempts, backoffDelayMs: stored.backoffDelayMs });
  } catch {
    return defaultRetryPolicy;
  }
}

export function jobOptionsFor(eventId: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId: eventId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffDelayMs },
    removeOnComplete: keepCompleted,
    removeOnFail: keepFailed,
  };
}
