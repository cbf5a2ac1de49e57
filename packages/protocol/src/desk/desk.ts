import { z } from 'zod';
import { Conversation } from '../messaging/conversations.js';

/** The mime type of the support desk's own messages in a visitor's conversation. */
export const DESK_MESSAGE_MIME_TYPE = 'application/vnd.parley.desk+json';

/** The key of a desk conversation's customData naming its site (null for guests made by a backend). */
export const DESK_CUSTOM_DATA_KEY = 'parley.desk';

/** The body of a desk message: who the conversation went to, that nobody has it now, or that it was closed. */
export const DeskMessageBody = z.object({
  event: z.enum(['assigned', 'transferred', 'unassigned', 'closed']),
  operatorName: z.string().nullable(),
});
export type DeskMessageBody = z.infer<typeof DeskMessageBody>;

/** `closed`: the operator finished; the visitor's next message puts the conversation in the queue again. */
export const DeskState = z.enum(['new', 'waiting', 'assigned', 'accepted', 'closed']);
export type DeskState = z.infer<typeof DeskState>;

/** A visitor's conversation as the desk sees it. */
export const DeskConversation = z.object({
  conversationId: z.uuid(),
  guestId: z.uuid(),
  state: DeskState,
  operatorId: z.uuid().nullable(),
  /** Counts assignments; the accept timeout of an older one does nothing. */
  assignment: z.number().int(),
  queuedAt: z.string().nullable(),
});
export type DeskConversation = z.infer<typeof DeskConversation>;

/** `POST /v1/desk/conversation` (guest token): the visitor's one desk conversation. */
export const DeskConversationResponse = z.object({ conversation: Conversation });
export type DeskConversationResponse = z.infer<typeof DeskConversationResponse>;

/** `GET /v1/desk/queue` (operators): conversations nobody has, and the caller's own. */
export const DeskQueue = z.object({ waiting: z.array(DeskConversation), mine: z.array(DeskConversation) });
export type DeskQueue = z.infer<typeof DeskQueue>;

export const DeskConversationParams = z.strictObject({ id: z.uuid() });
export type DeskConversationParams = z.infer<typeof DeskConversationParams>;

/** `POST /v1/desk/conversations/:id/transfer`: to a named operator, or to the next available one. */
export const DeskTransferRequest = z.strictObject({ toOperatorId: z.uuid().optional() });
export type DeskTransferRequest = z.infer<typeof DeskTransferRequest>;
