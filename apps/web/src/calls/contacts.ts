import { useEffect, useState } from 'react';
import type { Messenger, User } from '@parley/sdk';

/** Someone from the user's conversations who has a phone number, so can be called. */
export interface CallableContact {
  userId: string;
  username: string;
  displayName: string;
  msisdn: string;
}

// Participants carry no number: look each username up once per page load (GET /v1/users?q=).
const lookups = new Map<string, Promise<User | undefined>>();

function lookUp(messenger: Messenger, username: string): Promise<User | undefined> {
  const key = `${messenger.user.id}:${username}`;
  let found = lookups.get(key);
  if (!found) {
    found = messenger
      .findUsers(username)
      .then((users) => users.find((u) => u.username === username))
      .catch(() => {
        lookups.delete(key); // try again next time
        return undefined;
      });
    lookups.set(key, found);
  }
  return found;
}

/** The number of one user (by username), once looked up; undefined while unknown or when they have none. */
export function useMsisdnOf(messenger: Messenger, username: string | undefined): string | undefined {
  const [msisdn, setMsisdn] = useState<string>();
  useEffect(() => {
    setMsisdn(undefined);
    if (!username) return;
    let live = true;
    void lookUp(messenger, username).then((u) => live && setMsisdn(u?.msisdn ?? undefined));
    return () => {
      live = false;
    };
  }, [messenger, username]);
  return msisdn;
}

const MAX_CONTACTS = 24;

/** Callable people from the user's direct and group conversations (most recent conversations first). */
export function useCallableContacts(messenger: Messenger, revision: number): CallableContact[] {
  const [contacts, setContacts] = useState<CallableContact[]>([]);
  useEffect(() => {
    let live = true;
    const seen = new Map<string, { username: string; displayName: string; userId: string }>();
    for (const c of messenger.conversations()) {
      if (c.type === 'channel') continue;
      for (const p of c.participants) {
        if (p.userId !== messenger.user.id && !seen.has(p.username))
          seen.set(p.username, { username: p.username, displayName: p.displayName, userId: p.userId });
      }
      if (seen.size >= MAX_CONTACTS) break;
    }
    void Promise.all(
      [...seen.values()].slice(0, MAX_CONTACTS).map(async (p) => {
        const user = await lookUp(messenger, p.username);
        return user?.msisdn ? { ...p, msisdn: user.msisdn } : undefined;
      }),
    ).then((list) => {
      if (live) setContacts(list.filter((c): c is CallableContact => !!c));
    });
    return () => {
      live = false;
    };
  }, [messenger, revision]);
  return contacts;
}
