import { z } from 'zod';
import { MessagingLimits } from './limits.js';
import { MessagePart, MessagePartInput } from './parts.js';
import { Reaction, ReactionLimits, ReplyPreview } from './reactions.js';

export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  /** The seq of the `message.sent` event that created it: the message's position in the conversation. */
  seq: z.number().int(),
  senderId: z.uuid(),
  clientMessageId: z.string(),
  parts: z.array(MessagePart),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  removedAt: z.string().nullable(),
  /** The message this one replies to (same conversation), and what its quote shows. */
  replyTo: z.uuid().nullable().optional(),
  replyPreview: ReplyPreview.nullable().optional(),
  /** Participants mentioned with @username. */
  mentions: z.array(z.uuid()).optional(),
  /** Emoji reactions, in the order each emoji was first used. */
  reactions: z.array(Reaction).optional(),
});
export type Message = z.infer<typeof Message>;

/** Idempotency key chosen by the sender; a retried send with the same key returns the first result. */
export const ClientMessageId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');

export const SendMessageRequest = z.strictObject({
  clientMessageId: ClientMessageId,
  parts: z.array(MessagePartInput).min(1).max(MessagingLimits.maxPartsPerMessage),
  /** Quote another message of the conversation (it must exist and not be removed). */
  replyTo: z.uuid().optional(),
  /** Participants of the conversation this message mentions. */
  mentions: z.array(z.uuid()).max(ReactionLimits.maxMentionsPerMessage).optional(),
});
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

export const EditMessageRequest = z.strictObject({
  parts: z.array(MessagePartInput).min(1).max(MessagingLimits.maxPartsPerMessage),
});
export type EditMessageRequest = z.infer<typeof EditMessageRequest>;

export const MarkAsReadRequest = z.strictObject({ seq: z.number().int().min(0) });
export type MarkAsReadRequest = z.infer<typeof MarkAsReadRequest>;

export const TypingRequest = z.strictObject({ active: z.boolean().default(true) });

const SeqParam = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** retransmitEvents(conversationId, fromSeq, toSeq): inclusive range, served in capped pages. */
export const RetransmitQuery = z
  .strictObject({ fromSeq: SeqParam.pipe(z.number().min(1)), toSeq: SeqParam.optional() })
  .refine((q) => q.toSeq === undefined || q.toSeq >= q.fromSeq, {
    message: 'toSeq must not be below fromSeq',
    path: ['toSeq'],
  });
export type RetransmitQuery = z.infer<typeof RetransmitQuery>;

/**
 * `GET /v1/conversations/:id/events/stream?fromSeq&toSeq` (same query as retransmitEvents): the whole range in
 * one response, one `ConversationEvent` JSON per line, for a device replaying a long log. It ends at `toSeq`,
 * or at the conversation's last seq when the stream began (sent in this header); a cut stream is resumed from
 * the last seq received plus one.
 */
export const EVENT_STREAM_CONTENT_TYPE = 'application/x-ndjson';
export const EVENT_STREAM_LAST_SEQ_HEADER = 'x-parley-last-seq';

export const HistoryQuery = z.strictObject({
  before: SeqParam.optional(),
  limit: z.coerce.number().int().min(1).max(MessagingLimits.historyPageSize).default(50),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryResponse = z.object({
  messages: z.array(Message),
  /** Pass as `before` to get the previous page; null at the start of the conversation. */
  nextBefore: z.number().int().nullable(),
  lastSeq: z.number().int(),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

export const CatchUpQuery = z.strictObject({ sinceSeq: SeqParam });
