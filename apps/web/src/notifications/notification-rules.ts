/**
 * When a new message makes a sound or a desktop notification, and what the tab title says: plain functions
 * of plain facts, so the rules are testable without a browser.
 */

/** "(3) Parley" while something is unread, "Parley" otherwise. */
export function documentTitle(unread: number, app = 'Parley'): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${app}` : app;
}

interface UnreadSource {
  readonly unreadCount: number;
  /** Added by conversation settings; absent on clients without them. */
  readonly muted?: boolean;
}

/** The count the title shows: unread messages of conversations that are not muted. */
export function titleUnreadCount(conversations: Iterable<UnreadSource>): number {
  let total = 0;
  for (const c of conversations) if (!c.muted && c.unreadCount > 0) total += c.unreadCount;
  return total;
}

export interface NewMessageFacts {
  ownMessage: boolean;
  conversationMuted: boolean;
  /** The conversation is the one on screen. */
  conversationOpen: boolean;
  /** The page is visible (document.visibilityState === 'visible') and focused. */
  pageVisible: boolean;
  /** Notification.permission === 'granted'. */
  desktopAllowed: boolean;
}

export interface NewMessageAlert {
  sound: boolean;
  desktop: boolean;
}

/**
 * Own messages and muted conversations never alert; a message in the conversation the user is looking at
 * does not either. Otherwise a sound, plus a desktop notification when the page is not in view (or the
 * user is elsewhere in the app) and notifications are allowed.
 */
export function newMessageAlert(f: NewMessageFacts): NewMessageAlert {
  if (f.ownMessage || f.conversationMuted) return { sound: false, desktop: false };
  if (f.conversationOpen && f.pageVisible) return { sound: false, desktop: false };
  return { sound: true, desktop: f.desktopAllowed && (!f.pageVisible || !f.conversationOpen) };
}

export type PermissionPrompt = 'hidden' | 'offer';

/**
 * The "get notified?" offer appears once the user has sent a message (they are using the app, not just
 * opening it) while the browser has not been asked yet, and not again after "Not now".
 */
export function permissionPrompt(f: {
  supported: boolean;
  permission: 'default' | 'granted' | 'denied';
  sentAMessage: boolean;
  dismissed: boolean;
}): PermissionPrompt {
  return f.supported && f.permission === 'default' && f.sentAMessage && !f.dismissed ? 'offer' : 'hidden';
}
