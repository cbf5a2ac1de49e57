import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import {
  Terminal,
  type Call,
  type ConnectionState,
  type Messenger,
  type OtherDeviceCall,
} from '@parley/sdk';
import { describeError } from '../app/errors';
import { callErrorText } from './call-error-text';
import { useToast } from '../ui/toast';

declare global {
  interface Window {
    /** For e2e: the RTCPeerConnection of the active call (undefined when no call is active). */
    __parleyCall?: { peerConnection(): RTCPeerConnection | undefined };
  }
}

export interface CallsValue {
  /** This user's number; calling needs one (terminal-core registers terminals by msisdn). */
  msisdn: string | null;
  terminal: Terminal | undefined;
  state: ConnectionState;
  /** Incoming calls ringing here, oldest first. */
  ringing: Call[];
  /** Calls placed, pulled or answered here and not ended (each gets a call window), oldest first. */
  inCall: Call[];
  /** The newest of them: the one tests read through window.__parleyCall. */
  current: Call | undefined;
  /** The last call that ended here, until dismissed or another call starts. */
  ended: Call | undefined;
  others: OtherDeviceCall[];
  dial: (msisdn: string, video: boolean) => Promise<void>;
  pull: (callId: string) => Promise<void>;
  dismissEnded: () => void;
}

const CallsContext = createContext<CallsValue | null>(null);

export function useCalls(): CallsValue {
  const value = useContext(CallsContext);
  if (!value) throw new Error('useCalls outside <CallsProvider>');
  return value;
}

/**
 * Registers this device as a WebRTC terminal (the SDK's Terminal) for the user's msisdn while logged in,
 * and shares the calls with the UI. Users without a number get no terminal (the core would refuse it).
 */
export function CallsProvider({
  messenger,
  terminalUrl,
  children,
}: {
  messenger: Messenger;
  terminalUrl: string;
  children: ReactNode;
}) {
  const toast = useToast();
  const msisdn = messenger.user.msisdn;
  const [terminal, setTerminal] = useState<Terminal>();
  const [state, setState] = useState<ConnectionState>('closed');
  const [revision, bump] = useReducer((n: number) => n + 1, 0);
  const calls = useRef<Call[]>([]);
  const [endedId, setEndedId] = useState<string>();
  const endedCall = useRef<Call | undefined>(undefined);

  useEffect(() => {
    if (!msisdn) return;
    const t = new Terminal({
      url: terminalUrl,
      accessToken: () => messenger.session.tokens.access_token,
      // STUN/TURN from the core's configuration, with fresh TURN credentials (GET /v1/ice-servers).
      iceServers: 'core',
    });
    const offs = [
      t.on('stateChanged', (s) => setState(s)),
      t.on('callStateChanged', (call) => {
        if (!calls.current.includes(call)) {
          calls.current = [...calls.current.filter((c) => c.state !== 'ended'), call];
          call.on('mediaChanged', () => bump());
          // A new call replaces the "call ended" note.
          endedCall.current = undefined;
          setEndedId(undefined);
        }
        if (call.state === 'ended') {
          const live = calls.current.some((c) => c.state !== 'ended');
          if (!live) {
            endedCall.current = call;
            setEndedId(call.id);
          }
        }
        bump();
      }),
      t.on('otherDeviceCall', () => bump()),
      t.on('otherDeviceIdle', () => bump()),
      t.on('error', (err) => {
        // About a call that is over here (a Bye crossing the other side's, a refused pull that already
        // ended with its reason): the call-ended note says it; a toast would only add noise.
        if (err.callId && err.code !== 'MEDIA' && !t.getCall(err.callId)) return;
        toast(callErrorText(err));
      }),
    ];
    setTerminal(t);
    setState(t.state);
    void t.register();
    return () => {
      offs.forEach((off) => off());
      t.unregister();
      calls.current = [];
      setTerminal(undefined);
    };
  }, [messenger, msisdn, terminalUrl, toast]);

  const live = calls.current.filter((c) => c.state !== 'ended');
  const ringing = live.filter((c) => c.direction === 'incoming' && c.state === 'ringing');
  const inCall = live.filter((c) => !(c.direction === 'incoming' && c.state === 'ringing'));
  const current = inCall.at(-1);
  const ended = endedId && endedCall.current?.id === endedId ? endedCall.current : undefined;
  const others = terminal ? terminal.otherDeviceCalls() : [];

  // e2e reads the active call's RTCPeerConnection (connectionState, getStats()).
  const currentRef = useRef(current);
  currentRef.current = current;
  useEffect(() => {
    window.__parleyCall = {
      peerConnection: () => {
        const call = currentRef.current;
        return call && call.state === 'active' ? call.peerConnection : undefined;
      },
    };
    return () => {
      delete window.__parleyCall;
    };
  }, []);

  const dial = useCallback(
    async (to: string, video: boolean) => {
      if (!terminal) return;
      try {
        await terminal.call(to, { video });
      } catch (err) {
        toast(`Could not call: ${describeError(err)}`);
      }
    },
    [terminal, toast],
  );

  const pull = useCallback(
    async (callId: string) => {
      if (!terminal) return;
      try {
        await terminal.pullCall(callId, { video: true });
      } catch (err) {
        toast(`Could not move the call here: ${describeError(err)}`);
      }
    },
    [terminal, toast],
  );

  const dismissEnded = useCallback(() => {
    endedCall.current = undefined;
    setEndedId(undefined);
  }, []);

  const value = useMemo<CallsValue>(
    () => ({ msisdn, terminal, state, ringing, inCall, current, ended, others, dial, pull, dismissEnded }),
    // `revision` stands for every change inside the SDK objects (calls and terminal are mutable).
    [msisdn, terminal, state, revision, endedId, dial, pull, dismissEnded],
  );
  return <CallsContext.Provider value={value}>{children}</CallsContext.Provider>;
}
