/**
 * Freezes a value and everything reachable from it, in place. Objects already frozen are taken as frozen all
 * the way down (the SDK only freezes through here), so data shared between snapshots is walked once.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
