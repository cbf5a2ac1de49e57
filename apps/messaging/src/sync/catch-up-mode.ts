export type CatchUpDecision =
  { mode: 'replay'; gap: number } | { mode: 'reset'; gap: number; reason: string };

/**
 * A device that was away for a long time should not replay thousands of events one by one: past the
 * threshold it is told plainly to drop its copy and start from the latest page.
 */
export function chooseCatchUpMode(lastSeq: number, sinceSeq: number, maxReplayGap: number): CatchUpDecision {
  if (sinceSeq > lastSeq) {
    return {
      mode: 'reset',
      gap: 0,
      reason: `sinceSeq ${sinceSeq} is ahead of the conversation (lastSeq ${lastSeq}); the local copy is not from this server`,
    };
  }
  const gap = lastSeq - sinceSeq;
  if (gap > maxReplayGap) {
    return { mode: 'reset', gap, reason: `${gap} events missed; more than ${maxReplayGap} are not replayed` };
  }
  return { mode: 'replay', gap };
}
