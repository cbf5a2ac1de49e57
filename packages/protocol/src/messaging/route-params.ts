import { z } from 'zod';

/** Path parameters of the messaging REST routes. */
export const ConversationParams = z.object({ conversationId: z.uuid() });
export const MessageParams = z.object({ conversationId: z.uuid(), messageId: z.uuid() });
export const ParticipantParams = z.object({ conversationId: z.uuid(), userId: z.uuid() });
export const UserParams = z.object({ userId: z.uuid() });
