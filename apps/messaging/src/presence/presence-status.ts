import type { PresenceStatus } from '@parley/protocol';

/**
 * A user's status from their live devices: online while any device is in use, away when every live device
 * is hidden or idle, offline with none. The same rule runs inside Redis (presence-store.ts) for changes;
 * this copy answers reads and is the one unit-tested.
 */
export function presenceOf(liveDevices: number, awayDevices: number): PresenceStatus {
  if (liveDevices <= 0) return 'offline';
  return awayDevices >= liveDevices ? 'away' : 'online';
}

/** How long a device counts as live after its last heartbeat: three missed pings, at least a second. */
export function deviceTtlMs(pingIntervalMs: number): number {
  return Math.max(1000, 3 * pingIntervalMs);
}
