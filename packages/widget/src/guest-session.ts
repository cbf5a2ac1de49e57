import { GuestResume, GuestSession } from '@parley/protocol';
import type { Session } from '@parley/sdk';

/** Where the widget keeps what lets the visitor come back as the same guest (localStorage in a browser). */
export interface ResumeStore {
  load(): GuestResume | undefined;
  save(resume: GuestResume): void;
  clear(): void;
}

export function localStorageResumeStore(storage: Storage, siteKey: string): ResumeStore {
  const key = `parley.widget.${siteKey}`;
  return {
    load() {
      const raw = storage.getItem(key);
      if (!raw) return undefined;
      try {
        const parsed = GuestResume.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    save: (resume) => storage.setItem(key, JSON.stringify(resume)),
    clear: () => storage.removeItem(key),
  };
}

export class GuestSessionError extends Error {
  constructor(readonly status: number) {
    super(
      status === 403
        ? 'this page may not use the chat (unknown site key or origin not allowed)'
        : `the chat service answered ${status}`,
    );
  }
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * A guest session for the site's visitor: a fresh token for the stored guest when there is one, otherwise a
 * new guest whose secret is stored. A stored guest the server no longer accepts (merged, unknown) is
 * forgotten and a new one made.
 */
export async function requestGuestSession(options: {
  messagingUrl: string;
  siteKey: string;
  store: ResumeStore;
  fetch?: FetchLike;
}): Promise<Session> {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const post = (body: unknown) =>
    fetchImpl(`${options.messagingUrl}/v1/guests/widget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const resume = options.store.load();
  if (resume) {
    const res = await post({ siteKey: options.siteKey, resume });
    if (res.ok) return toSession(await res.json());
    if (res.status !== 403) throw new GuestSessionError(res.status);
    options.store.clear();
  }
  const res = await post({ siteKey: options.siteKey });
  if (!res.ok) throw new GuestSessionError(res.status);
  const session = GuestSession.parse(await res.json());
  if (session.guestSecret)
    options.store.save({ guestId: session.guest.id, guestSecret: session.guestSecret });
  return { user: session.guest, tokens: session.tokens };
}

function toSession(body: unknown): Session {
  const session = GuestSession.parse(body);
  return { user: session.guest, tokens: session.tokens };
}
