import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout) derived from its parts: the same effect of the same call always gets the same
 * signal id, so a re-sent signal is recognised and dropped by its receivers.
 */
export function derivedUuid(...parts: Array<string | number>): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The id of the `seq`-th effect's signal of a call. */
export const signalIdOf = (callRowId: string, seq: number) =>
  derivedUuid('voice-proxy-signal', callRowId, seq);

/** The delayed job that gives up on ringing `attempt` of a call (one per attempt, so a new ring gets a new timer). */
export const ringTimeoutJobId = (callRowId: string, attempt: number) => `voice-ring-${callRowId}-${attempt}`;

export const callEndedEventId = (callRowId: string) => `voice-call-ended-${callRowId}`;
