/** Exponential backoff with full jitter, so thousands of devices do not reconnect in lockstep. */
export function reconnectDelayMs(
  attempt: number,
  minMs = 250,
  maxMs = 15_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.round(minMs + random() * (ceiling - minMs));
}
