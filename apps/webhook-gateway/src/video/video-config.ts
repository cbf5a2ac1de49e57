import { section } from '@parley/service-kit';
import { z } from 'zod';

/** Video invites: how often and for how long a callee is rung, and how long access tokens last. */
export const videoInvitesSection = section(
  {
    /** Tries per invite (the seed's 3); each is a `start` signal to the callee's devices. */
    VIDEO_INVITE_TRIES: z.coerce.number().int().min(1).max(10).default(3),
    /** All tries fall inside this window; at its end an unanswered invite is missed. */
    VIDEO_INVITE_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** Lifetime of `POST /v1/video/token` tokens. */
    VIDEO_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  },
  (e) => ({
    tries: e.VIDEO_INVITE_TRIES,
    windowMs: e.VIDEO_INVITE_WINDOW_MS,
    tokenTtlSeconds: e.VIDEO_TOKEN_TTL_SECONDS,
  }),
);

export type VideoInvitesConfig = ReturnType<typeof videoInvitesSection.read>;
