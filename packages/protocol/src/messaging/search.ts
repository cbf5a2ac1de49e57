import { z } from 'zod';
import { Message } from './messages.js';

/** Bounds of message search, shared by the service and clients. */
export const SearchLimits = {
  maxQueryLength: 200,
  /** Words beyond this many are ignored: each one is another index lookup. */
  maxTerms: 16,
  defaultPageSize: 20,
  maxPageSize: 50,
} as const;

/** The largest PostgreSQL bigint, the type a hit's position (microseconds since 1970) is compared as. */
const MAX_POSITION = 9_223_372_036_854_775_807n;
const MessageId = z.uuid();

/**
 * Opaque page cursor: the position of the last hit of the previous page and its message id. Only what the
 * server can have written passes (a position that fits a bigint, a UUID), so a made-up cursor is a 400
 * rather than a failed query.
 */
const CURSOR = /^([0-9]{1,19})\.([0-9a-fA-F-]{36})$/;

export const SearchCursor = z
  .string()
  .regex(CURSOR, 'must be a nextBefore value')
  .refine((cursor) => {
    // Zod runs this even when the pattern failed; that cursor is already refused.
    const match = CURSOR.exec(cursor);
    return !match || (BigInt(match[1]!) <= MAX_POSITION && MessageId.safeParse(match[2]).success);
  }, 'must be a nextBefore value');

/** `GET /v1/search?q=&limit=&before=`: words are matched as prefixes, every word must occur. */
export const SearchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(SearchLimits.maxQueryLength)
    .refine((q) => /[\p{L}\p{N}]/u.test(q), 'must contain a letter or a digit'),
  limit: z.coerce.number().int().min(1).max(SearchLimits.maxPageSize).default(SearchLimits.defaultPageSize),
  before: SearchCursor.optional(),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** A piece of a snippet; `match` pieces are the words the query found. Plain text, never markup. */
export const SnippetSegment = z.object({ text: z.string(), match: z.boolean() });
export type SnippetSegment = z.infer<typeof SnippetSegment>;

export const SearchHit = z.object({
  conversationId: z.uuid(),
  message: Message,
  snippet: z.array(SnippetSegment),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** Newest hits first; `nextBefore` fetches the next (older) page, null at the end. */
export const SearchResponse = z.object({
  hits: z.array(SearchHit),
  nextBefore: SearchCursor.nullable(),
});
export type SearchResponse = z.infer<typeof SearchResponse>;
