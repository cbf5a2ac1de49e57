import { ReactionLimits, type MessagePart } from '@parley/protocol';
import type { FieldIssue } from '../errors/domain-errors.js';

/**
 * What a reply's quote shows of the original: its text parts on one line, cut at a whole character (never
 * half a surrogate pair) to the excerpt length. Non-text messages quote as their first part's file name or
 * MIME type, so an image reply still says what it answers.
 */
export function replyExcerpt(parts: readonly MessagePart[]): string {
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

/**
 * The users a message mentions, each once and in the order given; every one must be a participant of the
 * conversation (a mention notifies, so it may not reach outside the conversation).
 */
export function checkMentions(
  mentions: readonly string[] | undefined,
  participantIds: readonly string[],
): { mentions: string[]; issues: FieldIssue[] } {
  const members = new Set(participantIds);
  const issues: FieldIssue[] = [];
  const unique: string[] = [];
  (mentions ?? []).forEach((userId, i) => {
    if (!members.has(userId))
      issues.push({ path: `body.mentions.${i}`, message: 'not a participant of this conversation' });
    else if (!unique.includes(userId)) unique.push(userId);
  });
  return { mentions: unique, issues };
}
