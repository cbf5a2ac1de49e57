import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { coreIceServers, type Conversation, type Messenger } from '@parley/sdk';
import { browserPeers } from './peer';
import { SupportApi } from './support-api';
import { SupportDesk, type SupportState } from './support-desk';

declare global {
  interface Window {
    /** For e2e: the RTCPeerConnection of the live support call (undefined without one). */
    __parleySupportCall?: { peerConnection(): RTCPeerConnection | undefined };
  }
}

/** Marks the customer's own support conversation (a group of one, titled "Support"). */
export const SUPPORT_CUSTOM_DATA_KEY = 'parley.support';

export function isSupportConversation(conversation: {
  customData: Readonly<Record<string, unknown>>;
}): boolean {
  return conversation.customData[SUPPORT_CUSTOM_DATA_KEY] === true;
}

/**
 * The customer's support conversation: the one marked as such, or a new one. Waits for the first sync so a
 * conversation made on another device is found rather than made twice.
 */
export async function openSupportConversation(messenger: Messenger): Promise<Conversation> {
  await messenger.synced();
  const existing = messenger.conversations().find((c) => c.type === 'group' && isSupportConversation(c));
  if (existing) return existing;
  return messenger.createConversation({
    type: 'group',
    participants: [],
    title: 'Support',
    customData: { [SUPPORT_CUSTOM_DATA_KEY]: true },
  });
}

interface SupportValue {
  desk: SupportDesk;
  state: SupportState;
}

const SupportContext = createContext<SupportValue | null>(null);

/** The support desk and its state; undefined when this deployment has no voice proxy. */
export function useSupport(): SupportValue | undefined {
  return useContext(SupportContext) ?? undefined;
}

/** Opens the support line for this user (as a customer or an operator) while logged in. */
export function SupportProvider({
  messenger,
  voiceProxyUrl,
  terminalUrl,
  children,
}: {
  messenger: Messenger;
  voiceProxyUrl: string | null;
  terminalUrl: string;
  children: ReactNode;
}) {
  const [desk, setDesk] = useState<SupportDesk>();

  useEffect(() => {
    if (!voiceProxyUrl) return;
    const iceServers = coreIceServers({
      url: terminalUrl,
      accessToken: () => messenger.session.tokens.access_token,
    });
    const created = new SupportDesk(
      messenger.voice(),
      new SupportApi(voiceProxyUrl, messenger),
      browserPeers(iceServers),
    );
    setDesk(created);
    void created.open();
    window.__parleySupportCall = { peerConnection: () => created.peerConnection() };
    return () => {
      delete window.__parleySupportCall;
      created.dispose();
      setDesk(undefined);
    };
  }, [messenger, voiceProxyUrl, terminalUrl]);

  if (!desk) return <>{children}</>;
  return <SupportStateProvider desk={desk}>{children}</SupportStateProvider>;
}

function SupportStateProvider({ desk, children }: { desk: SupportDesk; children: ReactNode }) {
  const state = useSyncExternalStore(desk.subscribe, desk.getState);
  return <SupportContext.Provider value={{ desk, state }}>{children}</SupportContext.Provider>;
}
