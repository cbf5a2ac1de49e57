import type { UserPresence } from '@parley/sdk';
import { formatDay, formatTime, sameDay } from '../ui/format';

/** "online", "away", "last seen 5 min ago", "last seen today at 14:03", "last seen 12 Mar at 09:10". */
export function describePresence(presence: Readonly<UserPresence>, now = new Date()): string {
  if (presence.status === 'online') return 'online';
  if (presence.status === 'away') return 'away';
  if (!presence.lastSeenAt) return 'offline';
  const seen = new Date(presence.lastSeenAt);
  const minutes = Math.floor((now.getTime() - seen.getTime()) / 60_000);
  if (minutes < 1) return 'last seen just now';
  if (minutes < 60) return `last seen ${minutes} min ago`;
  if (sameDay(seen, now)) return `last seen today at ${formatTime(seen)}`;
  return `last seen ${formatDay(seen, now)} at ${formatTime(seen)}`;
}
