import { z } from 'zod';

/** Online: a connected device is in use; away: every connected device is hidden or idle; offline: none. */
export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

/** What a device reports about its user (a client frame): `away` when the page is hidden or idle. */
export const DeviceActivity = z.enum(['active', 'away']);
export type DeviceActivity = z.infer<typeof DeviceActivity>;

export const UserPresence = z.object({
  userId: z.uuid(),
  status: PresenceStatus,
  /** The last time the user was seen online or away; null if never. */
  lastSeenAt: z.string().nullable(),
});
export type UserPresence = z.infer<typeof UserPresence>;

export const PresenceLimits = { maxUsersPerRequest: 100 } as const;

/** `GET /v1/presence?userIds=a,b,c` */
export const PresenceQuery = z.strictObject({
  userIds: z
    .string()
    .min(1)
    .max(PresenceLimits.maxUsersPerRequest * 37)
    .transform((s) => [...new Set(s.split(','))])
    .pipe(z.array(z.uuid()).min(1).max(PresenceLimits.maxUsersPerRequest)),
});
export type PresenceQuery = z.infer<typeof PresenceQuery>;

/** Only users who share a conversation with the caller (and the caller) are answered; others are left out. */
export const PresenceResponse = z.object({ presence: z.array(UserPresence) });
export type PresenceResponse = z.infer<typeof PresenceResponse>;
