import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type {
  ConnectionState,
  Conversation,
  ConversationSnapshot,
  Messenger,
  MessengerEvents,
} from '@parley/sdk';

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

const LIST_EVENTS: readonly EventName[] = ['conversationsChanged'];

/**
 * Re-renders the caller whenever one of `events` fires and returns a counter that changes with each of them:
 * for views of the whole list (which conversations, in which order). Bursts of events collapse into one
 * render (React batches). One conversation's own state is read with `useConversationSnapshot` instead.
 */
export function useMessengerRevision(
  messenger: Messenger,
  events: readonly EventName[] = LIST_EVENTS,
): number {
  const [revision, bump] = useReducer((n: number) => n + 1, 0);
  // Subscribed again when the names change, not the array: callers may pass a new array on every render.
  const names = useRef(events);
  names.current = events;
  const key = events.join(',');
  useEffect(() => {
    const offs = names.current.map((name) => messenger.on(name, () => bump()));
    // An event between the render and this subscription went unheard (the first sync can finish right
    // then, and nothing else may follow for a long time): render once more from the current state.
    bump();
    return () => offs.forEach((off) => off());
  }, [messenger, key]);
  return revision;
}

/**
 * The conversation as one frozen snapshot; the caller re-renders when (and only when) it changes. Parts that
 * did not change keep their identity, so memoised children re-render only for what changed.
 */
export function useConversationSnapshot(conversation: Conversation): ConversationSnapshot {
  const subscribe = useCallback(
    (onChange: () => void) => conversation.on('updated', onChange),
    [conversation],
  );
  const getSnapshot = useCallback(() => conversation.snapshot(), [conversation]);
  return useSyncExternalStore(subscribe, getSnapshot);
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
