import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Messenger, UserPresence } from '@parley/sdk';

/** A user's presence, re-rendering when it changes (the SDK keeps one frozen object per user). */
export function usePresence(messenger: Messenger, userId: string): Readonly<UserPresence> {
  const subscribe = useCallback(
    (onChange: () => void) =>
      messenger.on('presenceChanged', (p) => {
        if (p.userId === userId) onChange();
      }),
    [messenger, userId],
  );
  return useSyncExternalStore(subscribe, () => messenger.presence(userId));
}

const IDLE_MS = 5 * 60_000;

/**
 * Reports this tab as away while it is hidden or nobody touched it for five minutes, and active again on
 * the next input: the user is away when every one of their devices is.
 */
export function useActivityReporting(messenger: Messenger): void {
  useEffect(() => {
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const report = () => {
      const hidden = document.visibilityState !== 'visible';
      messenger.setActivity(hidden ? 'away' : 'active');
      if (idleTimer) clearTimeout(idleTimer);
      if (!hidden) idleTimer = setTimeout(() => messenger.setActivity('away'), IDLE_MS);
    };
    const events = ['visibilitychange', 'pointerdown', 'keydown', 'focus'] as const;
    events.forEach((e) => window.addEventListener(e, report, { passive: true }));
    document.addEventListener('visibilitychange', report);
    report();
    return () => {
      if (idleTimer) clearTimeout(idleTimer);
      events.forEach((e) => window.removeEventListener(e, report));
      document.removeEventListener('visibilitychange', report);
    };
  }, [messenger]);
}

/** Re-renders every minute, so "last seen 3 min ago" stays true. */
export function useMinuteTick(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
