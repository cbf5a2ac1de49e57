/**
 * Sends are committed in lanes: each lane writes one batch at a time, and a conversation always uses the same
 * lane, so its sends stay in arrival order and batch together. On PostgreSQL `configured` lanes commit side
 * by side (SEND_COMMIT_LANES); PGlite has one connection, so one lane batches every send.
 */
export function sendLaneCount(databaseKind: 'postgres' | 'pglite', configured: number): number {
  return databaseKind === 'pglite' ? 1 : configured;
}

/** The lane of a conversation: its id's last 8 hex digits, spread over `lanes`. */
export function sendLaneOf(conversationId: string, lanes: number): string {
  const tail = Number.parseInt(conversationId.slice(-8), 16);
  return String((Number.isNaN(tail) ? 0 : tail) % lanes);
}
