import { z } from 'zod';
import { ConversationSummary } from './conversations.js';
import { User } from './identity.js';

/** `GET /v1/me`: the seed's getUser, the device's starting point after every (re)connect. */
export const MeResponse = z.object({
  user: User,
  conversations: z.array(ConversationSummary),
});
export type MeResponse = z.infer<typeof MeResponse>;
