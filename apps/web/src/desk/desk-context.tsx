import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { DeskQueue } from '@parley/protocol';
import type { Messenger } from '@parley/sdk';
import { describeError } from '../app/errors';
import { DeskApi } from './desk-api';

/** How often the open app asks for the queue (waiting conversations appear without any event to this user). */
const QUEUE_POLL_MS = 5000;

export interface DeskValue {
  queue: DeskQueue;
  error: string | undefined;
  refresh: () => Promise<void>;
  /** Accepts an assigned conversation; resolves true when it worked. */
  accept: (conversationId: string) => Promise<boolean>;
  /** Closes an accepted conversation; resolves true when it worked. */
  close: (conversationId: string) => Promise<boolean>;
}

const DeskContext = createContext<DeskValue | null>(null);

/** The chat desk; undefined for users who are not operators (the queue answers 403) or before it is known. */
export function useDesk(): DeskValue | undefined {
  return useContext(DeskContext) ?? undefined;
}

/** Asks messaging whether this user is an operator and, if so, keeps their queue fresh. */
export function DeskProvider({
  messenger,
  messagingUrl,
  children,
}: {
  messenger: Messenger;
  messagingUrl: string;
  children: ReactNode;
}) {
  const [queue, setQueue] = useState<DeskQueue | null>(null);
  const [error, setError] = useState<string>();
  const apiRef = useRef<DeskApi | undefined>(undefined);

  const refresh = useCallback(async () => {
    const api = apiRef.current;
    if (!api) return;
    try {
      setQueue(await api.queue());
      setError(undefined);
    } catch (err) {
      setError(`Could not load the desk: ${describeError(err)}`);
    }
  }, []);

  useEffect(() => {
    apiRef.current = new DeskApi(messagingUrl, messenger);
    void refresh();
    // Being assigned adds this user to the conversation, so the list changing is a good moment to look again.
    const off = messenger.on('conversationsChanged', () => void refresh());
    const timer = setInterval(() => void refresh(), QUEUE_POLL_MS);
    return () => {
      off();
      clearInterval(timer);
      apiRef.current = undefined;
    };
  }, [messenger, messagingUrl, refresh]);

  /** Runs one desk action, then reloads the queue whether it worked or not. */
  const act = useCallback(
    async (what: string, action: (api: DeskApi) => Promise<unknown>) => {
      const api = apiRef.current;
      if (!api) return false;
      try {
        await action(api);
        await refresh();
        return true;
      } catch (err) {
        setError(`Could not ${what}: ${describeError(err)}`);
        await refresh();
        return false;
      }
    },
    [refresh],
  );
  const accept = useCallback((id: string) => act('accept', (api) => api.accept(id)), [act]);
  const close = useCallback((id: string) => act('close the chat', (api) => api.close(id)), [act]);

  const value = queue ? { queue, error, refresh, accept, close } : null;
  return <DeskContext.Provider value={value}>{children}</DeskContext.Provider>;
}
