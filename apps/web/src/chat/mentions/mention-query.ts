/** A participant as the mention list shows it. */
export interface MentionCandidate {
  userId: string;
  username: string;
  displayName: string;
}

/** Characters of a username after `@` (as the identity service allows them). */
const USERNAME_CHARS = '[\\p{L}\\p{N}._-]';
const ACTIVE_QUERY = new RegExp(`(^|[^\\p{L}\\p{N}_@])@(${USERNAME_CHARS}{0,32})$`, 'u');

/** The `@query` being typed just before the caret, with where it starts, or null. */
export function activeMentionQuery(text: string, caret: number): { query: string; start: number } | null {
  const m = ACTIVE_QUERY.exec(text.slice(0, caret));
  if (!m) return null;
  return { query: m[2]!, start: caret - m[2]!.length - 1 };
}

/** Participants whose username or display name starts with the query (not me), best first, at most `limit`. */
export function mentionCandidates(
  participants: readonly MentionCandidate[],
  query: string,
  myId: string,
  limit = 6,
): MentionCandidate[] {
  const q = query.toLowerCase();
  const scored = participants
    .filter((p) => p.userId !== myId)
    .map((p) => {
      const username = p.username.toLowerCase();
      const names = p.displayName.toLowerCase().split(/\s+/);
      const rank = username.startsWith(q) ? 0 : names.some((n) => n.startsWith(q)) ? 1 : -1;
      return { p, rank };
    })
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.p.username.localeCompare(b.p.username));
  return scored.slice(0, limit).map((x) => x.p);
}

/** The text with the active `@query` replaced by `@username ` and the caret after it. */
export function applyMention(
  text: string,
  active: { query: string; start: number },
  username: string,
): { text: string; caret: number } {
  const insert = `@${username} `;
  const end = active.start + 1 + active.query.length;
  return {
    text: text.slice(0, active.start) + insert + text.slice(end),
    caret: active.start + insert.length,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The participants a text mentions: each `@username` still present as a whole word when it is sent. */
export function mentionedUserIds(text: string, participants: readonly MentionCandidate[]): string[] {
  return participants
    .filter((p) =>
      new RegExp(`(^|[^\\p{L}\\p{N}_@])@${escapeRegExp(p.username)}(?!${USERNAME_CHARS})`, 'iu').test(text),
    )
    .map((p) => p.userId);
}
