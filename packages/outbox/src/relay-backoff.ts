/** Delay before the relay's next attempt after `failures` consecutive failed publishes (capped, jittered). */
export function relayBackoffMs(failures: number, baseMs = 250, maxMs = 15_000, random = Math.random): number {
  if (failures <= 0) return 0;
  const exp = Math.min(maxMs, baseMs * 2 ** (failures - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
