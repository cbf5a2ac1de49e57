import { createHash } from 'node:crypto';
import type { VideoInviteStatus } from '@parley/protocol';

/**
 * The states of a video invite and the only moves between them: an invite rings while `inviting` and ends
 * exactly once. Every end is final, so a late ring, answer or timeout finds a finished invite and does
 * nothing.
 */
export const InviteTransitions: Readonly<Record<VideoInviteStatus, readonly VideoInviteStatus[]>> = {
  inviting: ['answered', 'declined', 'missed', 'failed', 'cancelled'],
  answered: [],
  declined: [],
  missed: [],
  failed: [],
  cancelled: [],
};

export class IllegalInviteTransitionError extends Error {
  constructor(
    readonly from: VideoInviteStatus,
    readonly to: VideoInviteStatus,
  ) {
    super(`a video invite cannot go from ${from} to ${to}`);
  }
}

export function canTransition(from: VideoInviteStatus, to: VideoInviteStatus): boolean {
  return InviteTransitions[from].includes(to);
}

export function assertInviteTransition(from: VideoInviteStatus, to: VideoInviteStatus): void {
  if (!canTransition(from, to)) throw new IllegalInviteTransitionError(from, to);
}

export interface RingSchedule {
  /** Delay after the invite was created of each try, the first (0) included. */
  tryDelaysMs: number[];
  /** When the invite gives up and is missed: the end of the window. */
  missedAfterMs: number;
}

/**
 * Spreads `tries` over `windowMs` so that the last try still leaves the callee a pause to answer before the
 * window closes (3 tries in 30 s ring at 0, 12 and 24 s and give up at 30 s): the pause after the last try
 * is half the pause between tries.
 */
export function planRings(tries: number, windowMs: number): RingSchedule {
  if (!Number.isInteger(tries) || tries < 1) throw new Error(`tries must be a positive integer, got ${tries}`);
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new Error(`the window must be a positive number of ms, got ${windowMs}`);
  const gapMs = Math.floor((2 * windowMs) / (2 * tries - 1));
  return {
    tryDelaysMs: Array.from({ length: tries }, (_, i) => Math.min(i * gapMs, windowMs)),
    missedAfterMs: windowMs,
  };
}

/**
 * The `invite.ring.v1` jobs of an invite: rings 2..tries ring again, ring `tries + 1` is the end of the
 * window. Ring 1 is sent while the invite is created, so it has no job.
 */
export interface PlannedRingJob {
  ring: number;
  delayMs: number;
}

export function ringJobsOf(schedule: RingSchedule): PlannedRingJob[] {
  const jobs = schedule.tryDelaysMs.slice(1).map((delayMs, i) => ({ ring: i + 2, delayMs }));
  jobs.push({ ring: schedule.tryDelaysMs.length + 1, delayMs: schedule.missedAfterMs });
  return jobs;
}

/** Ids never contain `:` (the bus refuses it); one id per ring, so each is its own timer. */
export function ringJobId(inviteId: string, ring: number): string {
  return `video-invite-${inviteId}-ring-${ring}`;
}

/** What one job of `ring` does for an invite with `maxTries` tries. */
export function ringJobKind(ring: number, maxTries: number): 'try' | 'give-up' {
  return ring > maxTries ? 'give-up' : 'try';
}

/** What became of one try, as messaging answered the `start` signal. */
export type TryResult =
  | { kind: 'delivered' }
  /** Accepted, but no device of the callee was connected: "callee not available", the next try may reach them. */
  | { kind: 'not-available' }
  /** Refused for good (4xx): the invite stops, as the seed stops at any error but "not available". */
  | { kind: 'refused'; error: string };

/** The seed's rule: only "not available" is ignored; any other error stops the invite as failed. */
export function decideAfterTry(result: TryResult): { stop: false } | { stop: true; lastError: string } {
  return result.kind === 'refused' ? { stop: true, lastError: result.error } : { stop: false };
}

/**
 * The id of the `start` signal of one try, derived from the invite and the ring: a retried job sends the
 * same id, and messaging rings nobody twice for it. Formatted as a UUID (version 8, name-based).
 */
export function trySignalId(inviteId: string, ring: number): string {
  return nameBasedUuid(`video-invite/${inviteId}/ring/${ring}`);
}

/** The id of the `stop` that tells the callee's devices the invite is over (sent again, it rings nothing). */
export function stopSignalId(inviteId: string): string {
  return nameBasedUuid(`video-invite/${inviteId}/stop`);
}

function nameBasedUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
