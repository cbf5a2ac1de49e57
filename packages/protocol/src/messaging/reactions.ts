import { z } from 'zod';

export const ReactionLimits = {
  /** UTF-16 code units of one reaction: room for the longest ZWJ and tag sequences, nothing like a text. */
  maxEmojiLength: 32,
  /** Different emoji on one message. */
  maxDistinctEmojiPerMessage: 50,
  /** Longest excerpt of the original a reply carries for its quote. */
  replyExcerptLength: 200,
  /** Users one message can mention. */
  maxMentionsPerMessage: 50,
} as const;

/**
 * One RGI emoji. Built at run time: the `v` flag (Unicode sets, for \p{RGI_Emoji}) is newer than the compile
 * target, and browsers without it (Safari before 17) get a close approximation instead of failing to load
 * this module; the server, on Node 20, always checks with the exact set.
 */
const singleEmoji = (() => {
  try {
    return new RegExp('^\\p{RGI_Emoji}$', 'v');
  } catch {
    return new RegExp(
      '^(?:\\p{Regional_Indicator}{2}|[0-9#*]\\uFE0F\\u20E3|\\p{Extended_Pictographic}\\uFE0F?\\p{Emoji_Modifier}?' +
        '(?:\\u200D\\p{Extended_Pictographic}\\uFE0F?\\p{Emoji_Modifier}?)*[\\u{E0020}-\\u{E007F}]*)$',
      'u',
    );
  }
})();
const bareSymbol = new RegExp('^\\p{Extended_Pictographic}$', 'u');

/**
 * The form a reaction is stored and compared in: a pictograph typed without its emoji variation selector
 * (U+2764 "❤") is the same reaction as the fully qualified one ("❤️"), so one user cannot add both.
 */
export function normalizeEmoji(value: string): string {
  const trimmed = value.normalize('NFC');
  if (bareSymbol.test(trimmed) && singleEmoji.test(`${trimmed}\uFE0F`)) return `${trimmed}\uFE0F`;
  return trimmed;
}

/** Whether `value` is exactly one emoji (one RGI emoji grapheme: a ZWJ family, a flag, a skin tone are one). */
export function isSingleEmoji(value: string): boolean {
  return value.length <= ReactionLimits.maxEmojiLength && singleEmoji.test(value);
}

/** One emoji, normalised; anything else (text, two emoji, markup) is refused. */
export const ReactionEmoji = z
  .string()
  .min(1)
  .max(ReactionLimits.maxEmojiLength)
  .transform(normalizeEmoji)
  .refine(isSingleEmoji, 'must be a single emoji');

/** Who reacted to a message with one emoji: the count is `userIds.length`. */
export const Reaction = z.object({
  emoji: z.string(),
  userIds: z.array(z.uuid()),
});
export type Reaction = z.infer<typeof Reaction>;

export const ReactionParams = z.object({
  conversationId: z.uuid(),
  messageId: z.uuid(),
  emoji: ReactionEmoji,
});

/** The answer to adding or removing a reaction: the message's reactions afterwards. */
export const MessageReactions = z.object({
  messageId: z.uuid(),
  reactions: z.array(Reaction),
});
export type MessageReactions = z.infer<typeof MessageReactions>;

/** What a reply shows of the message it quotes, taken when the reply was sent and kept in step after. */
export const ReplyPreview = z.object({
  senderId: z.uuid(),
  /** The start of the original's text; empty once the original was removed. */
  excerpt: z.string(),
  removed: z.boolean(),
});
export type ReplyPreview = z.infer<typeof ReplyPreview>;

/**
 * What a reply's quote shows of the original: its text parts on one line, cut at a whole character (never
 * half a surrogate pair) to the excerpt length. A message without text quotes as its first part's file name or
 * MIME type, so a reply to an image still says what it answers. Server and clients cut alike.
 */
export function replyExcerpt(
  parts: readonly {
    mimeType: string;
    body?: string | undefined;
    encoding?: string | undefined;
    name?: string | undefined;
  }[],
): string {
  const text = parts
    .filter((p) => p.mimeType.toLowerCase().startsWith('text/plain') && p.body !== undefined)
    .filter((p) => p.encoding !== 'base64')
    .map((p) => p.body!)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const source = text || (parts[0] ? (parts[0].name ?? parts[0].mimeType) : '');
  const chars = Array.from(source);
  if (chars.length <= ReactionLimits.replyExcerptLength) return source;
  return `${chars.slice(0, ReactionLimits.replyExcerptLength - 1).join('')}…`;
}
