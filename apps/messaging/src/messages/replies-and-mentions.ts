import type { FieldIssue } from '../errors/domain-errors.js';

/** Shared with the clients, which keep loaded quotes in step the same way. */
export { replyExcerpt } from '@parley/protocol';

/**
 * The users a message mentions, each once and in the order given; every one must be a participant of the
 * conversation (a mention notifies, so it may not reach outside the conversation).
 */
export function checkMentions(
  mentions: readonly string[] | undefined,
  participantIds: readonly string[],
): { mentions: string[]; issues: FieldIssue[] } {
  // Most messages mention nobody: no set of a large group's members for them.
  if (!mentions || mentions.length === 0) return { mentions: [], issues: [] };
  const members = new Set(participantIds);
  const issues: FieldIssue[] = [];
  const unique: string[] = [];
  mentions.forEach((userId, i) => {
    if (!members.has(userId))
      issues.push({ path: `body.mentions.${i}`, message: 'not a participant of this conversation' });
    else if (!unique.includes(userId)) unique.push(userId);
  });
  return { mentions: unique, issues };
}
