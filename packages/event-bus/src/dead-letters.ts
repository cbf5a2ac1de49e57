import { ErrorCode, type Job, type Queue } from 'bullmq';
import type { BusEvent } from './bus-event.js';
import type { DelayedJob } from './delayed-jobs.js';

/**
 * The dead letters of a group are its queue's `failed` set: BullMQ only puts a job there once its attempts
 * are spent (or it threw UnrecoverableError); jobs waiting for a retry sit in `delayed`. Keeping them in
 * place, rather than copying to a separate list, is what makes a replay a plain `job.retry()`.
 */
export type GroupQueue = Queue<BusEvent, void, string>;
/** A delayed job name's queue: its failed set holds its dead letters in the same way. */
export type DelayedJobQueue = Queue<DelayedJob, void, string>;
type AnyQueue = GroupQueue | DelayedJobQueue;

export interface DeadLetter {
  jobId: string;
  topic: string;
  event: BusEvent;
  failedReason: string;
  attemptsMade: number;
  failedAt?: number;
}

export interface DelayedDeadLetter {
  jobId: string;
  name: string;
  job: DelayedJob;
  failedReason: string;
  attemptsMade: number;
  failedAt?: number;
}

function toDeadLetter(job: Job<BusEvent, void, string>): DeadLetter {
  return {
    jobId: job.id ?? '',
    topic: job.name,
    event: job.data,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn,
  };
}

function toDelayedDeadLetter(job: Job<DelayedJob, void, string>): DelayedDeadLetter {
  return {
    jobId: job.id ?? '',
    name: job.name,
    job: job.data,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn,
  };
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`event bus: limit must be an integer >= 1, got ${limit}`);
}

/** Most recent failures first. */
export async function listDeadLetters(queue: GroupQueue, limit: number): Promise<DeadLetter[]> {
  assertLimit(limit);
  const jobs = await queue.getFailed(0, limit - 1);
  return jobs.filter((job) => job !== undefined && job !== null).map(toDeadLetter);
}

/** Most recent failures first. */
export async function listDelayedDeadLetters(
  queue: DelayedJobQueue,
  limit: number,
): Promise<DelayedDeadLetter[]> {
  assertLimit(limit);
  const jobs = await queue.getFailed(0, limit - 1);
  return jobs.filter((job) => job !== undefined && job !== null).map(toDelayedDeadLetter);
}

/** A replay gets the job's full attempt budget again, as if it had just been published. */
const replayOptions = { resetAttemptsMade: true, resetAttemptsStarted: true };

export async function replayDeadLetter(queue: AnyQueue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId);
  if (!job) throw new Error(`event bus: no job "${jobId}" in queue "${queue.name}"`);
  await job.retry('failed', replayOptions);
}

/**
 * Replays the dead letters present when called. The ids are read first: a job that fails again during the
 * replay returns to the failed set and must not be picked up a second time by the same call.
 */
export async function replayAllDeadLetters(queue: AnyQueue): Promise<number> {
  const jobIds = await queue.getRanges(['failed'], 0, -1);
  let replayed = 0;
  for (const jobId of jobIds) {
    const job = await queue.getJob(jobId);
    if (!job) continue;
    try {
      await job.retry('failed', replayOptions);
      replayed += 1;
    } catch (err) {
      // Removed or already replayed by someone else in the meantime: nothing left to do for this one.
      if (!isGoneOrMoved(err)) throw err;
    }
  }
  return replayed;
}

function isGoneOrMoved(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === ErrorCode.JobNotExist || code === ErrorCode.JobNotInState;
}
