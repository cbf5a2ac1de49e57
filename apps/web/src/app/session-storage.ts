import type { Session } from '@parley/sdk';

const KEY = 'parley.session';

/** The stored session (user + access and refresh tokens), so a reload stays logged in. */
export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Partial<Session>;
    if (!session?.user?.id || !session.tokens?.access_token) return undefined;
    return session as Session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Private mode or a full quota: the session simply won't survive a reload.
  }
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** Another tab logged out, in as someone else, or renewed the tokens: follow it. */
export function onSessionStorageChange(listener: (session: Session | undefined) => void): () => void {
  const handler = (e: StorageEvent) => {
    if (e.key === KEY || e.key === null) listener(loadSession());
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}
