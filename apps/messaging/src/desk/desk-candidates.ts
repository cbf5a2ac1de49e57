/**
 * Whom the desk may offer a conversation next, best first: the operators who have not had it yet; when
 * every other operator already had it, all of them again. The operator who just let it go is never offered
 * it straight back (they timed out, left or transferred it).
 */
export function nextCandidates(
  operators: readonly string[],
  previous: string | null,
  tried: readonly string[],
): string[][] {
  const others = operators.filter((id) => id !== previous);
  const fresh = others.filter((id) => !tried.includes(id));
  if (others.length === 0) return [];
  return fresh.length === others.length ? [others] : [fresh, others].filter((list) => list.length > 0);
}

/** Who has had the conversation, once each, after `previous` let it go. */
export function withTried(tried: readonly string[], previous: string | null): string[] {
  return previous && !tried.includes(previous) ? [...tried, previous] : [...tried];
}
