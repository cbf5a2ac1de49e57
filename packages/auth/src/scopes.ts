import type { Principal } from './principal.js';

/** Every scope a Parley access token can carry. */
export const Scopes = {
  messagesRead: 'messages.read',
  messagesWrite: 'messages.write',
  conversationsManage: 'conversations.manage',
  webhooksManage: 'webhooks.manage',
  callControl: 'call.control.answer_and_initiate',
  voiceProxy: 'voice.proxy',
  admin: 'admin',
  /** Server API: create conversations on behalf of users, manage their participants and details. */
  serverConversations: 'server.conversations',
  /** Server API: post messages as the client's named bots. */
  serverMessages: 'server.messages',
  /** Server API: read any conversation's event log. */
  serverEventsRead: 'server.events.read',
  /** Guests: a site's backend creates guest users and merges them into registered users. */
  guestsCreate: 'guests.create',
} as const;

/** Every known scope: what an admin may give a machine client. */
export const ALL_SCOPES: readonly Scope[] = Object.values(Scopes);

export function isKnownScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

export type Scope = (typeof Scopes)[keyof typeof Scopes];

/** What an interactive user gets when signing in; admin, webhook and voice scopes are granted explicitly. */
export const DEFAULT_USER_SCOPES: Scope[] = [
  Scopes.messagesRead,
  Scopes.messagesWrite,
  Scopes.conversationsManage,
  Scopes.callControl,
];

/**
 * True when the principal holds every required scope. `admin` is intentionally not a wildcard:
 * routes that admins may use list `admin` themselves, so granting it never widens access silently.
 */
export function hasScopes(principal: Principal, required: string[]): boolean {
  return missingScopes(principal, required).length === 0;
}

/** The required scopes the principal lacks, in the order they were required. */
export function missingScopes(principal: Principal, required: string[]): string[] {
  const held = new Set(principal.scopes);
  return unique(required.filter((scope) => !held.has(scope)));
}

/** Splits an OAuth2 `scope` value (RFC 6749 §3.3: space-delimited) into distinct scope tokens. */
export function parseScopeString(s: string | undefined): string[] {
  if (s === undefined) return [];
  return unique(s.split(/\s+/).filter((scope) => scope.length > 0));
}

/**
 * Joins scopes into an OAuth2 `scope` value. Rejects tokens that would not survive a round trip
 * through `parseScopeString` (empty or containing whitespace) instead of silently merging them.
 */
export function formatScopeString(scopes: readonly string[]): string {
  for (const scope of scopes) {
    if (scope.length === 0 || /\s/.test(scope)) {
      throw new TypeError(
        `Invalid scope ${JSON.stringify(scope)}: scopes must be non-empty and contain no spaces`,
      );
    }
  }
  return unique(scopes).join(' ');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
