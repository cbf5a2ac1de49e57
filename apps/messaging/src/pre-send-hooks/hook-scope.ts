import type { ConversationType } from '@parley/protocol';

/** The scopes that may hold a conversation's hook, the one that wins first. */
export function candidateScopes(conversationId: string, type: ConversationType): string[] {
  return [`conversation:${conversationId.toLowerCase()}`, `type:${type}`];
}

/** Scopes are stored in one spelling so `conversation:<UUID>` and `conversation:<uuid>` are the same hook. */
export function normaliseScope(scope: string): string {
  return scope.toLowerCase();
}
