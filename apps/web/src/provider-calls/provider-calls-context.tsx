import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { coreIceServers, type Messenger } from '@parley/sdk';
import { completeAnswer, completeOffer } from '../support/peer';
import { ProviderCallDesk, type InAppPeers, type ProviderCallsState } from './provider-call-desk';

declare global {
  interface Window {
    /** For e2e: the in-app provider call's RTCPeerConnections (empty without one); the first one. */
    __parleyProviderCall?: {
      peerConnections(): RTCPeerConnection[];
      peerConnection(): RTCPeerConnection | undefined;
    };
  }
}

interface ProviderCallsValue {
  desk: ProviderCallDesk;
  state: ProviderCallsState;
  /** Providers to offer for a new call, the first preselected (empty: the SDK's default). */
  providers: readonly string[];
}

const ProviderCallsContext = createContext<ProviderCallsValue | null>(null);

/** Provider calls and video invites; undefined when this deployment has no webhook gateway. */
export function useProviderCalls(): ProviderCallsValue | undefined {
  return useContext(ProviderCallsContext) ?? undefined;
}

/** The browser's WebRTC for in-app calls: camera and microphone, ICE servers from terminal-core. */
function browserInAppPeers(iceServers: () => Promise<RTCIceServer[] | undefined>): InAppPeers {
  return {
    openMedia: () => navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
    open: async (local) => {
      const servers = await iceServers();
      const pc = new RTCPeerConnection(servers ? { iceServers: servers } : {});
      for (const track of local.getTracks()) pc.addTrack(track, local);
      return pc;
    },
    offer: completeOffer,
    answer: completeAnswer,
  };
}

export function ProviderCallsProvider({
  messenger,
  gatewayUrl,
  terminalUrl,
  children,
}: {
  messenger: Messenger;
  gatewayUrl: string | null;
  terminalUrl: string;
  children: ReactNode;
}) {
  const [desk, setDesk] = useState<ProviderCallDesk>();
  const [callProviders, setCallProviders] = useState<readonly string[]>([]);

  // The gateway says which providers it has configured; its default comes first, so it is preselected.
  useEffect(() => {
    if (!gatewayUrl) return;
    let current = true;
    messenger
      .callProviders()
      .then(({ providers, default: preferred }) => {
        if (current) setCallProviders([preferred, ...providers.filter((p) => p !== preferred)]);
      })
      .catch(() => {
        // Without the list the header offers no picker and the gateway's default applies.
      });
    return () => {
      current = false;
    };
  }, [messenger, gatewayUrl]);

  useEffect(() => {
    if (!gatewayUrl) return;
    const iceServers = coreIceServers({
      url: terminalUrl,
      accessToken: () => messenger.session.tokens.access_token,
    });
    const created = new ProviderCallDesk(messenger, browserInAppPeers(iceServers));
    created.open();
    setDesk(created);
    window.__parleyProviderCall = {
      peerConnections: () => created.peerConnections(),
      peerConnection: () => created.peerConnections()[0],
    };
    return () => {
      delete window.__parleyProviderCall;
      created.dispose();
      setDesk(undefined);
    };
  }, [messenger, gatewayUrl, terminalUrl]);

  if (!desk) return <>{children}</>;
  return (
    <ProviderCallsStateProvider desk={desk} providers={callProviders}>
      {children}
    </ProviderCallsStateProvider>
  );
}

function ProviderCallsStateProvider({
  desk,
  providers,
  children,
}: {
  desk: ProviderCallDesk;
  providers: readonly string[];
  children: ReactNode;
}) {
  const state = useSyncExternalStore(desk.subscribe, desk.getState);
  const value = useMemo(() => ({ desk, state, providers }), [desk, state, providers]);
  return <ProviderCallsContext.Provider value={value}>{children}</ProviderCallsContext.Provider>;
}
