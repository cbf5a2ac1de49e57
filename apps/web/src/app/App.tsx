import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { IndexedDbStore, Messenger, type Session } from '@parley/sdk';
import { AuthScreen } from '../auth/AuthScreen';
import { CallsProvider } from '../calls/calls-context';
import { DeskProvider } from '../desk/desk-context';
import { ProviderCallsProvider } from '../provider-calls/provider-calls-context';
import { SupportProvider } from '../support/support-context';
import { ToastProvider } from '../ui/toast';
import { loadConfig, type WebConfig } from './config';
import { MessengerContext, type MessengerContextValue } from './messenger-context';
import { clearSession, loadSession, onSessionStorageChange, saveSession } from './session-storage';
import { Shell } from './Shell';

type Phase =
  { kind: 'booting' } | { kind: 'signed-out'; notice?: string } | { kind: 'ready'; messenger: Messenger };

const SESSION_EXPIRED = 'Your session has expired. Please log in again.';

/** A Messenger for this session, with this user's IndexedDB cache: resolves once the cache is loaded. */
function connect(config: WebConfig, session: Session): Promise<Messenger> {
  return Messenger.connect({
    baseUrl: config.messagingUrl,
    session,
    ...(config.gatewayUrl ? { gatewayUrl: config.gatewayUrl } : {}),
    store: new IndexedDbStore(`parley-${session.user.id}`),
    onSessionChange: saveSession,
  });
}

/** A session of the messenger's user with other tokens: another tab renewed them, which spends ours. */
function isRenewal(messenger: Messenger, session: Session | undefined): session is Session {
  return (
    session?.user.id === messenger.user.id &&
    session.tokens.refresh_token !== messenger.session.tokens.refresh_token
  );
}

export function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [phase, setPhase] = useState<Phase>({ kind: 'booting' });
  const messengerRef = useRef<Messenger | undefined>(undefined);

  const start = useCallback(async (cfg: WebConfig, session: Session) => {
    saveSession(session);
    const messenger = await connect(cfg, session);
    const previous = messengerRef.current;
    messengerRef.current = messenger;
    if (previous && previous !== messenger) void previous.close();
    setPhase({ kind: 'ready', messenger });
  }, []);

  const signOut = useCallback((notice?: string, options: { forget?: boolean } = {}) => {
    const messenger = messengerRef.current;
    messengerRef.current = undefined;
    clearSession();
    if (messenger) {
      const closed = messenger.close();
      // An explicit log-out leaves nothing of this user on the device; an expired session keeps the cache for
      // the next log-in.
      if (options.forget) {
        const store = new IndexedDbStore(`parley-${messenger.user.id}`);
        void closed.then(() => store.clear()).catch(() => undefined);
      }
    }
    setPhase(notice ? { kind: 'signed-out', notice } : { kind: 'signed-out' });
    if (location.pathname !== '/') history.replaceState(null, '', '/');
  }, []);

  // Boot: config, then the stored session (if any) straight into the app, rendered from the cache.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const cfg = await loadConfig();
      if (cancelled) return;
      setConfig(cfg);
      const session = loadSession();
      if (!session) {
        setPhase({ kind: 'signed-out' });
        return;
      }
      try {
        await start(cfg, session);
      } catch {
        if (!cancelled) setPhase({ kind: 'signed-out', notice: SESSION_EXPIRED });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [start]);

  // Another tab logged out, switched user or renewed this user's tokens: follow it.
  useEffect(
    () =>
      onSessionStorageChange((session) => {
        const current = messengerRef.current;
        if (!session) {
          if (current) signOut();
        } else if (!current || current.user.id !== session.user.id) {
          location.reload();
        } else if (isRenewal(current, session)) {
          current.updateSession(session);
        }
      }),
    [signOut],
  );

  const messenger = phase.kind === 'ready' ? phase.messenger : undefined;

  // The refresh token was refused: log in again, unless another tab of this user renewed first (refresh tokens
  // are single-use) and its newer session is already in storage.
  useEffect(
    () =>
      messenger?.on('sessionExpired', () => {
        const stored = loadSession();
        if (isRenewal(messenger, stored)) messenger.updateSession(stored);
        else signOut(SESSION_EXPIRED);
      }),
    [messenger, signOut],
  );

  // Close the socket and flush the cache when the page goes away.
  useEffect(() => {
    const onPageHide = () => void messengerRef.current?.close();
    // Restored from the back/forward cache with a closed Messenger: start afresh.
    const onPageShow = (e: PageTransitionEvent) => {
      if (e.persisted) location.reload();
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, []);

  const contextValue = useMemo<MessengerContextValue | null>(
    () => (messenger ? { messenger, logout: () => signOut(undefined, { forget: true }) } : null),
    [messenger, signOut],
  );

  let content;
  if (phase.kind === 'booting' || !config) {
    content = (
      <div className="splash" aria-busy="true" aria-live="polite">
        <div className="brand brand-lg">
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <span>Parley</span>
        </div>
        <div className="spinner" aria-label="Loading" />
      </div>
    );
  } else if (phase.kind === 'signed-out' || !contextValue) {
    content = (
      <AuthScreen
        baseUrl={config.messagingUrl}
        demoUsers={config.demoUsers}
        notice={phase.kind === 'signed-out' ? phase.notice : undefined}
        onAuthenticated={(session) => void start(config, session)}
      />
    );
  } else {
    content = (
      <MessengerContext.Provider value={contextValue}>
        <CallsProvider
          key={contextValue.messenger.user.id}
          messenger={contextValue.messenger}
          terminalUrl={config.terminalUrl}
        >
          <SupportProvider
            messenger={contextValue.messenger}
            voiceProxyUrl={config.voiceProxyUrl}
            terminalUrl={config.terminalUrl}
          >
            <ProviderCallsProvider
              messenger={contextValue.messenger}
              gatewayUrl={config.gatewayUrl}
              terminalUrl={config.terminalUrl}
            >
              <DeskProvider messenger={contextValue.messenger} messagingUrl={config.messagingUrl}>
                <Shell />
              </DeskProvider>
            </ProviderCallsProvider>
          </SupportProvider>
        </CallsProvider>
      </MessengerContext.Provider>
    );
  }
  return <ToastProvider>{content}</ToastProvider>;
}
