import type { WebTerminalMessage } from '@parley/protocol';
import { TypedEmitter } from '../events.js';
import type { ConnectionState, WebSocketFactory } from '../realtime/realtime-connection.js';
import { Call, type TerminalRtc } from './call.js';
import { coreIceServers } from './ice-servers.js';
import { TerminalConnection, type TerminalMode } from './terminal-connection.js';
import { isE164, normalizeMsisdn, TerminalMessages as M, terminalErrorName } from './terminal-messages.js';

export interface TerminalOptions {
  /** terminal-core's WebSocket bridge, e.g. ws://localhost:3002 (`/v1/terminal` is added when missing). */
  url: string;
  /** An access token with scope call.control.answer_and_initiate and an msisdn claim, read at every connect. */
  accessToken: () => string;
  /** Renews the token after a refused upgrade (optional: a Messenger renews its tokens by itself). */
  refreshToken?: () => Promise<void>;
  /** `multi` (MultiPipe, several calls; default) or `pipe` (one call at a time). */
  mode?: TerminalMode;
  /** Defaults to the global WebSocket (browsers); in Node pass `nodeWebSocket` from `@parley/sdk/node`. */
  createWebSocket?: WebSocketFactory;
  /** Defaults to the browser's RTCPeerConnection and navigator.mediaDevices.getUserMedia. */
  rtc?: Partial<TerminalRtc>;
  /** Passed to every RTCPeerConnection (default: no ICE servers, host candidates only). */
  rtcConfiguration?: RTCConfiguration;
  /**
   * Where the ICE servers (STUN, TURN with time-limited credentials) of each new RTCPeerConnection come
   * from: `'core'` asks terminal-core's `GET /v1/ice-servers` with the access token (cached until shortly
   * before the credentials expire), a function is asked every time, a list is used as it is. Without it
   * (or when the source fails) `rtcConfiguration.iceServers` applies.
   */
  iceServers?: 'core' | RTCIceServer[] | (() => Promise<RTCIceServer[]>);
  /** For `iceServers: 'core'` outside browsers (defaults to the global fetch). */
  fetch?: typeof fetch;
  /** How long to wait for ICE gathering before sending what was gathered (default 3000 ms). */
  iceGatheringTimeoutMs?: number;
  /** Call ids (default crypto.randomUUID). */
  newCallId?: () => string;
  /**
   * Waits before each new try of a call's Offer that the core answered with TRY_AGAIN (default 250, 500,
   * 1,000 and 2,000 ms); `[]` ends such a call at once with `try_again`.
   */
  dialRetryDelaysMs?: readonly number[];
  /** Backoff bounds of the reconnects (defaults 250 ms … 15 s). */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/** A call of this msisdn held by another of its terminals (or the mobile phone), from InCall. */
export interface OtherDeviceCall {
  callId: string;
  /** The msisdn in the call: this terminal's own number. */
  msisdn: string;
  since: number;
}

/** An Error from the core (`code` is the protobuf name, e.g. INVALID_CALL_ID) or a local failure. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(
    readonly code: string,
    message: string,
    readonly callId?: string,
  ) {
    super(message || code);
  }
}

export interface TerminalEvents {
  /** The registration's connection state: `online` while terminal-core can reach this terminal. */
  stateChanged: (state: ConnectionState) => void;
  /** A new incoming call, ringing; `call.from` is the caller's msisdn. */
  incoming: (call: Call) => void;
  /** Any call of this terminal was created or changed state (read call.state / call.endReason). */
  callStateChanged: (call: Call) => void;
  /** Another terminal of this msisdn (or the phone) holds a call: it can be pulled here. */
  otherDeviceCall: (call: OtherDeviceCall) => void;
  /** That call ended or left this msisdn. */
  otherDeviceIdle: (call: { callId: string }) => void;
  error: (error: TerminalError) => void;
}

/**
 * A WebRTC terminal registered with terminal-core for the user's msisdn: make, receive, move and pull
 * calls. Media flows browser to browser; the core only relays SDP (complete, non-trickle descriptions).
 *
 * ```ts
 * const terminal = new Terminal({ url: 'ws://localhost:3002', accessToken: () => session.tokens.access_token });
 * terminal.on('incoming', (call) => call.answer());
 * await terminal.register();
 * const call = await terminal.call('+4790000002', { video: true });
 * ```
 */
export class Terminal extends TypedEmitter<TerminalEvents> {
  private readonly connection: TerminalConnection;
  private readonly iceServerSource: (() => Promise<RTCIceServer[] | undefined>) | undefined;
  private readonly calls = new Map<string, Call>();
  private readonly others = new Map<string, OtherDeviceCall>();
  private registered: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly options: TerminalOptions) {
    super();
    const createWebSocket =
      options.createWebSocket ??
      ((url: string) => {
        const Ctor = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
        if (!Ctor) throw new Error('no global WebSocket: pass createWebSocket (see @parley/sdk/node)');
        return new Ctor(url) as ReturnType<WebSocketFactory>;
      });
    this.iceServerSource = iceServerSource(options);
    this.connection = new TerminalConnection({
      url: options.url,
      mode: options.mode ?? 'multi',
      createWebSocket,
      accessToken: options.accessToken,
      refreshToken: options.refreshToken,
      minReconnectDelayMs: options.minReconnectDelayMs,
      maxReconnectDelayMs: options.maxReconnectDelayMs,
      onMessage: (message) => this.receive(message),
      onStateChange: (state) => this.onConnectionState(state),
    });
  }

  get state(): ConnectionState {
    return this.connection.currentState;
  }

  /** Calls not yet ended, oldest first. */
  activeCalls(): Call[] {
    return [...this.calls.values()].filter((c) => c.state !== 'ended');
  }

  /** A call of this terminal by id (ended calls are forgotten). */
  getCall(id: string): Call | undefined {
    return this.calls.get(id);
  }

  /** Calls of this msisdn on its other terminals (or the phone), from InCall. */
  otherDeviceCalls(): OtherDeviceCall[] {
    return [...this.others.values()];
  }

  /**
   * Registers with the core and stays registered (reconnecting with backoff after drops) until
   * unregister(). Resolves once the first connection is up.
   */
  register(): Promise<void> {
    if (this.state === 'online') return Promise.resolve();
    if (!this.registered) {
      let resolve!: () => void;
      this.registered = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    }
    this.connection.start();
    return this.registered.promise;
  }

  /** Hangs up every call and closes the registration. */
  unregister(): void {
    for (const call of this.activeCalls()) call.hangup();
    this.connection.stop();
  }

  /** Calls an msisdn (E.164). The Call is returned once its Offer is on the way (state `dialing`). */
  async call(msisdn: string, options: { video?: boolean } = {}): Promise<Call> {
    const to = normalizeMsisdn(msisdn);
    if (!isE164(to)) throw new TerminalError('INVALID_MSISDN', `not an E.164 number: ${msisdn}`);
    this.assertOnline();
    const call = this.track({
      id: this.newCallId(),
      direction: 'outgoing',
      remote: to,
      video: options.video,
    });
    await call.dial(to);
    return call;
  }

  /** Moves a call of this msisdn from another terminal (or the phone) here: sends an Offer with its call_id. */
  async pullCall(callId: string, options: { video?: boolean } = {}): Promise<Call> {
    this.assertOnline();
    const existing = this.calls.get(callId);
    if (existing && existing.state !== 'ended')
      throw new TerminalError('INVALID_CALL_ID', 'this terminal already holds that call', callId);
    const call = this.track({ id: callId, direction: 'pulled', video: options.video ?? true });
    await call.dial(undefined);
    return call;
  }

  // ---- internals ----

  private newCallId(): string {
    return this.options.newCallId?.() ?? globalThis.crypto.randomUUID();
  }

  private assertOnline(): void {
    if (this.state !== 'online')
      throw new TerminalError('NOT_REGISTERED', 'the terminal is not connected to the core');
  }

  private rtc(): TerminalRtc {
    const given = this.options.rtc ?? {};
    const g = globalThis as {
      RTCPeerConnection?: TerminalRtc['RTCPeerConnection'];
      MediaStream?: TerminalRtc['MediaStream'];
      navigator?: { mediaDevices?: MediaDevices };
    };
    const RTCPeerConnectionCtor = given.RTCPeerConnection ?? g.RTCPeerConnection;
    if (!RTCPeerConnectionCtor) throw new Error('no RTCPeerConnection: pass options.rtc');
    const devices = g.navigator?.mediaDevices;
    const getDisplayMedia =
      given.getDisplayMedia ??
      (devices?.getDisplayMedia ? (o: DisplayMediaStreamOptions) => devices.getDisplayMedia(o) : undefined);
    return {
      getDisplayMedia,
      RTCPeerConnection: RTCPeerConnectionCtor,
      getUserMedia:
        given.getUserMedia ??
        ((constraints) =>
          devices
            ? devices.getUserMedia(constraints)
            : Promise.reject(new Error('no media devices on this platform'))),
      MediaStream: given.MediaStream ?? g.MediaStream,
    };
  }

  private track(init: ConstructorParameters<typeof Call>[0]): Call {
    const call = new Call(init, {
      send: (message) => this.connection.send(message),
      rtc: () => this.rtc(),
      rtcConfiguration: this.options.rtcConfiguration,
      iceServers: this.iceServerSource,
      iceGatheringTimeoutMs: this.options.iceGatheringTimeoutMs ?? 3000,
      dialRetryDelaysMs: this.options.dialRetryDelaysMs,
      reportError: (err) => this.emit('error', new TerminalError('MEDIA', err.message, init.id)),
    });
    this.calls.set(call.id, call);
    call.on('stateChanged', () => {
      if (call.state === 'ended' && this.calls.get(call.id) === call) this.calls.delete(call.id);
      this.emit('callStateChanged', call);
    });
    // Holding the call here: it is no longer "on another device".
    if (this.others.delete(call.id)) this.emit('otherDeviceIdle', { callId: call.id });
    this.emit('callStateChanged', call);
    return call;
  }

  private receive(message: WebTerminalMessage): void {
    const body = message.message;
    const callId = message.callId;
    const call = this.calls.get(callId);
    switch (body?.$case) {
      case 'offer': {
        if (call && call.state === 'active') {
          void call.remoteOffer(body.value.sdp);
          return;
        }
        if (call) return; // an Offer for a call still being set up here: not a renegotiation we can take
        const incoming = this.track({
          id: callId,
          direction: 'incoming',
          remote: body.value.msisdn?.e164,
          offerSdp: body.value.sdp,
        });
        this.connection.send(M.ringing(callId));
        this.emit('incoming', incoming);
        return;
      }
      case 'answer':
        if (call) void call.remoteAnswer(body.value.sdp);
        return;
      case 'ringing':
        call?.remoteRinging();
        return;
      case 'bye':
        call?.remoteBye(body.value.reason);
        return;
      case 'inCall': {
        // Ours, then moved (to the phone, or another device pulled it): it ends here and is observed.
        call?.movedAway();
        const other: OtherDeviceCall = {
          callId,
          msisdn: body.value.msisdn?.e164 ?? '',
          since: this.others.get(callId)?.since ?? Date.now(),
        };
        this.others.set(callId, other);
        this.emit('otherDeviceCall', other);
        return;
      }
      case 'idle': {
        const ids = callId ? [callId] : [...this.others.keys()]; // Pipe: Idle is about the msisdn
        for (const id of ids) if (this.others.delete(id)) this.emit('otherDeviceIdle', { callId: id });
        return;
      }
      case 'error': {
        const code = terminalErrorName(body.value.err);
        // A dial the call sends again (the core asked to try again) is not an error yet.
        if (call?.refused(code)) return;
        this.emit('error', new TerminalError(code, body.value.message, callId || undefined));
        return;
      }
      default:
        return; // Action is terminal → core only; unknown kinds are skipped
    }
  }

  private onConnectionState(state: ConnectionState): void {
    if (state === 'online') this.registered?.resolve();
    if (state === 'offline' || state === 'closed') {
      // The core ends a dropped terminal's calls (connection_lost to the other party) and stops
      // telling it about the msisdn: mirror both here.
      for (const call of this.activeCalls()) call.end('connection_lost');
      for (const id of [...this.others.keys()]) {
        this.others.delete(id);
        this.emit('otherDeviceIdle', { callId: id });
      }
    }
    if (state === 'closed') this.registered = undefined;
    this.emit('stateChanged', state);
  }
}

function iceServerSource(options: TerminalOptions): (() => Promise<RTCIceServer[] | undefined>) | undefined {
  const source = options.iceServers;
  if (!source) return undefined;
  if (Array.isArray(source)) return () => Promise.resolve(source);
  if (typeof source === 'function') return source;
  return coreIceServers({ url: options.url, accessToken: options.accessToken, fetch: options.fetch });
}
