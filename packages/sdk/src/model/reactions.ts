import type { Reaction } from '@parley/protocol';

/** One emoji under a message, as a client shows it: how many reacted and whether the current user did. */
export interface ReactionSummary {
  readonly emoji: string;
  readonly count: number;
  readonly mine: boolean;
  readonly userIds: readonly string[];
}

/** A message's reactions for display, in the order each emoji was first used. */
export function reactionSummaries(
  message: { readonly reactions?: readonly Readonly<Reaction>[] | undefined },
  userId: string,
): ReactionSummary[] {
  return (message.reactions ?? [])
    .filter((r) => r.userIds.length > 0)
    .map((r) => ({
      emoji: r.emoji,
      count: r.userIds.length,
      mine: r.userIds.includes(userId),
      userIds: r.userIds,
    }));
}

/** Whether the message mentions `userId` (someone else's message: one's own mentions notify nobody). */
export function mentionsUser(
  message: { readonly senderId: string; readonly mentions?: readonly string[] | undefined },
  userId: string,
): boolean {
  return message.senderId !== userId && (message.mentions ?? []).includes(userId);
}

/**
 * `reactions` after `userId` added or removed `emoji`; the same array when nothing changes (adding twice,
 * removing what is not there), so a replayed event is a no-op. An emoji nobody uses any more disappears.
 */
export function withReaction(
  reactions: readonly Reaction[],
  emoji: string,
  userId: string,
  added: boolean,
): Reaction[] {
  const index = reactions.findIndex((r) => r.emoji === emoji);
  const current = index >= 0 ? reactions[index]! : undefined;
  if (added) {
    if (current?.userIds.includes(userId)) return reactions as Reaction[];
    if (!current) return [...reactions, { emoji, userIds: [userId] }];
    return reactions.map((r, i) => (i === index ? { emoji, userIds: [...r.userIds, userId] } : r));
  }
  if (!current?.userIds.includes(userId)) return reactions as Reaction[];
  const userIds = current.userIds.filter((id) => id !== userId);
  if (userIds.length === 0) return reactions.filter((_, i) => i !== index);
  return reactions.map((r, i) => (i === index ? { emoji, userIds } : r));
}
