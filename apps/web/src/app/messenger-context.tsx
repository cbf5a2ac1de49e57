import { createContext, useContext, useEffect, useReducer, useState } from 'react';
import type { ConnectionState, Messenger, MessengerEvents } from '@parley/sdk';

export interface MessengerContextValue {
  messenger: Messenger;
  logout: () => void;
}

export const MessengerContext = createContext<MessengerContextValue | null>(null);

export function useMessengerContext(): MessengerContextValue {
  const value = useContext(MessengerContext);
  if (!value) throw new Error('useMessengerContext outside <MessengerContext.Provider>');
  return value;
}

export function useMessenger(): Messenger {
  return useMessengerContext().messenger;
}

type EventName = keyof MessengerEvents;

/**
 * Re-renders the caller whenever one of `events` fires and returns a counter that changes with each of them.
 * SDK objects are mutable (a Conversation or Message changes in place), so components read them freshly on
 * every render and use this number as the memo key. Bursts of events collapse into one render (React batches).
 */
export function useMessengerRevision(
  messenger: Messenger,
  events: readonly EventName[] = ['conversationsChanged'],
): number {
  const [revision, bump] = useReducer((n: number) => n + 1, 0);
  const key = events.join(',');
  useEffect(() => {
    const offs = key.split(',').map((name) => messenger.on(name as EventName, (() => bump()) as never));
    return () => offs.forEach((off) => off());
  }, [messenger, key]);
  return revision;
}

export function useConnectionState(messenger: Messenger): ConnectionState {
  const [state, setState] = useState<ConnectionState>(messenger.state);
  useEffect(() => {
    setState(messenger.state);
    return messenger.on('stateChanged', setState);
  }, [messenger]);
  return state;
}

/** How long a typing signal counts without a refresh (senders repeat it every few seconds while typing). */
export const TYPING_TIMEOUT_MS = 6000;

/** Users typing in a conversation right now (never the current user), oldest signal first. */
export function useTypingUsers(messenger: Messenger, conversationId: string): string[] {
  const [typing, setTyping] = useState<ReadonlyMap<string, number>>(() => new Map());

  useEffect(() => {
    setTyping(new Map());
    const expire = () =>
      setTyping((current) => {
        const now = Date.now();
        if (![...current.values()].some((until) => until <= now)) return current;
        return new Map([...current].filter(([, until]) => until > now));
      });
    const timer = setInterval(expire, 1000);
    const offTyping = messenger.on('typing', ({ conversationId: id, userId, active }) => {
      if (id !== conversationId || userId === messenger.user.id) return;
      setTyping((current) => {
        const next = new Map(current);
        if (active) next.set(userId, Date.now() + TYPING_TIMEOUT_MS);
        else next.delete(userId);
        return next;
      });
    });
    // A message from someone ends their typing at once.
    const offSent = messenger.on('messageSent', ({ conversation, message }) => {
      if (conversation.id !== conversationId) return;
      setTyping((current) => {
        if (!current.has(message.senderId)) return current;
        const next = new Map(current);
        next.delete(message.senderId);
        return next;
      });
    });
    return () => {
      clearInterval(timer);
      offTyping();
      offSent();
    };
  }, [messenger, conversationId]);

  return [...typing.keys()];
}

/** Whether the page is visible (tab in front, window not minimised). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
    };
  }, []);
  return visible;
}
