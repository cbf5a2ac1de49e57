import type { Voice } from '@parley/sdk';
import type { SupportLine, VoiceCallRecord } from '@parley/protocol';
import { describeError } from '../app/errors';
import {
  IllegalSupportTransition,
  isLive,
  nextCustomerPhase,
  nextOperatorPhase,
  type CustomerEvent,
  type CustomerPhase,
  type OperatorEvent,
  type OperatorPhase,
} from './call-phase';
import type { SupportPeer, SupportPeers } from './peer';
import type { SupportApi } from './support-api';
import { dataNumber, dataString, type SignalData } from './voice';

/** The customer's call to the support line. */
export interface CustomerCall {
  callId: string;
  cid: string;
  phase: CustomerPhase;
  /** When the line accepted (the timer counts from here). */
  connectedAt?: number;
  /** From the line's summary once the call is over. */
  durationSeconds?: number;
  endReason?: string;
  /** Why setting the call up failed on this device (microphone, network). */
  error?: string;
  remote?: MediaStream;
}

/** A call the support line rings this operator with. */
export interface OperatorCall {
  callId: string;
  cid: string;
  phase: OperatorPhase;
  callerName: string;
  connectedAt?: number;
  remote?: MediaStream;
}

/** The SDK's voice signalling, as far as support calls use it. */
export type SupportVoice = Pick<
  Voice,
  | 'onStart'
  | 'onAccept'
  | 'onBusy'
  | 'onStop'
  | 'onSetup'
  | 'onSummary'
  | 'start'
  | 'accept'
  | 'busy'
  | 'stop'
>;

/** The voice proxy's REST API, as far as the desk uses it. */
export type SupportLineApi = Pick<SupportApi, 'line' | 'setAvailability' | 'calls'>;

export type SupportRole = 'customer' | 'operator';

export interface SupportState {
  /** 'loading' until the line answered; 'unavailable' when it could not be reached. */
  status: 'loading' | 'ready' | 'unavailable';
  role: SupportRole | undefined;
  /** The operator's own status (operators only). */
  operator: SupportLine['operator'];
  customerCall: CustomerCall | undefined;
  operatorCall: OperatorCall | undefined;
  history: readonly VoiceCallRecord[];
  historyError: string | undefined;
  /** The last failed action (availability, accept…), for a notice. */
  error: string | undefined;
}

const HISTORY_SETTLE_RETRY_MS = 1000;

const INITIAL: SupportState = {
  status: 'loading',
  role: undefined,
  operator: null,
  customerCall: undefined,
  operatorCall: undefined,
  history: [],
  historyError: undefined,
  error: undefined,
};

/**
 * Support calls of this device, on both sides: a customer calling the support line, or an operator the line
 * rings. It signals through the SDK's voice negotiation (every signal goes to and comes from the line, never
 * another user) and runs the WebRTC itself. The UI reads `state` and subscribes for changes.
 */
export class SupportDesk {
  private current: SupportState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private line: string | undefined;
  private peer: SupportPeer | undefined;
  /** Caller names announced by `setup`, until the `start` of the same call. */
  private readonly callerNames = new Map<string, string>();
  private unsubscribe: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly voice: SupportVoice,
    private readonly api: SupportLineApi,
    private readonly peers: SupportPeers,
  ) {}

  get state(): SupportState {
    return this.current;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SupportState => this.current;

  /** The live call's RTCPeerConnection (for the media checks of the e2e suite). */
  peerConnection(): RTCPeerConnection | undefined {
    const live =
      (this.current.customerCall && isLive(this.current.customerCall.phase)) ||
      (this.current.operatorCall && isLive(this.current.operatorCall.phase));
    return live ? this.peer?.pc : undefined;
  }

  async open(): Promise<void> {
    let line: SupportLine;
    try {
      line = await this.api.line();
    } catch {
      if (!this.disposed) this.set({ status: 'unavailable' });
      return;
    }
    if (this.disposed) return;
    this.line = line.line;
    this.listen();
    this.set({ status: 'ready', role: line.operator ? 'operator' : 'customer', operator: line.operator });
    if (line.operator) void this.refreshHistory();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe.forEach((off) => off());
    this.unsubscribe = [];
    const { customerCall, operatorCall } = this.current;
    if (customerCall && isLive(customerCall.phase)) this.signal('stop', customerCall);
    if (operatorCall && isLive(operatorCall.phase)) {
      this.signal(operatorCall.phase === 'incoming' ? 'busy' : 'stop', operatorCall);
    }
    this.peers.close(this.peer);
    this.peer = undefined;
    this.listeners.clear();
  }

  // ---- customer ----

  /** Calls the support line about conversation `cid` (the customer's support conversation). */
  async callSupport(cid: string): Promise<void> {
    const line = this.line;
    if (!line || this.liveCall()) return;
    const callId = crypto.randomUUID();
    this.set({ customerCall: { callId, cid, phase: 'preparing' }, error: undefined });
    try {
      const peer = await this.openPeer();
      if (!this.isCustomerCall(callId, 'preparing')) return this.peers.close(peer);
      this.adoptPeer(peer, (remote) => this.patchCustomer(callId, { remote }));
      const offer = await this.peers.offer(peer.pc);
      if (!this.isCustomerCall(callId, 'preparing')) return;
      // Ringing before the request returns: the line's answer may overtake the response.
      this.customerEvent(callId, 'offer-sent');
      await this.voice.start(line, cid, callId, offer);
    } catch (err) {
      const call = this.current.customerCall;
      if (call?.callId !== callId || !isLive(call.phase)) return;
      this.endPeer();
      if (call.phase !== 'preparing') this.signal('stop', call);
      this.customerEvent(callId, 'failed', { error: `Could not call support: ${describeError(err)}` });
    }
  }

  /** Hangs up (or cancels) the customer's call. */
  hangUpCustomer(): void {
    const call = this.current.customerCall;
    if (!call || !isLive(call.phase)) return;
    const sent = call.phase !== 'preparing';
    this.endPeer();
    this.customerEvent(call.callId, 'hung-up');
    if (sent) this.signal('stop', call);
  }

  /** Closes the note of a call that is over. */
  dismissCustomerCall(): void {
    const call = this.current.customerCall;
    if (call && !isLive(call.phase)) this.set({ customerCall: undefined });
  }

  // ---- operator ----

  async setAvailable(available: boolean): Promise<void> {
    try {
      const status = await this.api.setAvailability(available);
      this.set({ operator: { available: status.available, inCall: status.inCall }, error: undefined });
    } catch (err) {
      this.set({ error: `Could not change availability: ${describeError(err)}` });
    }
  }

  async accept(): Promise<void> {
    const call = this.current.operatorCall;
    const line = this.line;
    if (!call || call.phase !== 'incoming' || !line) return;
    const offer = this.offers.get(call.callId);
    this.operatorEvent(call.callId, 'answer');
    try {
      if (!offer) throw new Error('The call carried no connection details');
      const peer = await this.openPeer();
      if (!this.isOperatorCall(call.callId, 'answering')) return this.peers.close(peer);
      this.adoptPeer(peer, (remote) => this.patchOperator(call.callId, { remote }));
      const answer = await this.peers.answer(peer.pc, offer);
      if (!this.isOperatorCall(call.callId, 'answering')) return;
      await this.voice.accept(line, call.cid, call.callId, answer);
      if (!this.isOperatorCall(call.callId, 'answering')) return;
      this.operatorEvent(call.callId, 'answered', { connectedAt: Date.now() });
    } catch (err) {
      if (!this.isOperatorCall(call.callId, 'answering')) return;
      this.endPeer();
      this.signal('stop', call);
      this.operatorEvent(call.callId, 'failed');
      this.operatorCallOver(call.callId);
      this.set({ error: `Could not answer: ${describeError(err)}` });
    }
  }

  decline(): void {
    const call = this.current.operatorCall;
    if (!call || call.phase !== 'incoming') return;
    this.signal('busy', call);
    this.operatorEvent(call.callId, 'declined');
    this.operatorCallOver(call.callId);
  }

  hangUpOperator(): void {
    const call = this.current.operatorCall;
    if (!call || !isLive(call.phase)) return;
    this.endPeer();
    this.signal('stop', call);
    this.operatorEvent(call.callId, 'hung-up');
    this.operatorCallOver(call.callId);
  }

  async refreshHistory(): Promise<void> {
    if (this.current.role !== 'operator') return;
    try {
      const page = await this.api.calls({ limit: 20 });
      this.set({ history: page.calls, historyError: undefined });
    } catch (err) {
      this.set({ historyError: `Could not load the call history: ${describeError(err)}` });
    }
  }

  /**
   * Reloads the history after a call ended here; the line may close its record a moment after the last
   * signal, so a record still open is asked for again a few times.
   */
  private async refreshHistoryAfter(callId: string, attempts = 5): Promise<void> {
    await this.refreshHistory();
    const record = this.current.history.find((r) => r.callId === callId);
    if (record?.state === 'ended' || attempts <= 1 || this.disposed) return;
    await new Promise((resolve) => setTimeout(resolve, HISTORY_SETTLE_RETRY_MS));
    return this.refreshHistoryAfter(callId, attempts - 1);
  }

  // ---- signals from the line ----

  /** The offers of calls ringing here, kept out of the rendered state (an SDP is large and never shown). */
  private readonly offers = new Map<string, string>();

  private listen(): void {
    const fromLine = (iss: string) => iss === this.line;
    this.unsubscribe = [
      this.voice.onSetup((iss, _cid, callId, data) => {
        if (!fromLine(iss)) return;
        const name = dataString(data, 'caller_name');
        if (name) this.callerNames.set(callId, name);
      }),
      this.voice.onStart((iss, cid, callId, peerInfo, data) => {
        if (fromLine(iss) && peerInfo) this.rung(cid, callId, peerInfo, data);
      }),
      this.voice.onAccept((iss, _cid, callId, peerInfo) => {
        if (fromLine(iss) && peerInfo) void this.accepted(callId, peerInfo);
      }),
      this.voice.onBusy((iss, _cid, callId) => {
        if (!fromLine(iss) || this.current.customerCall?.callId !== callId) return;
        this.endPeer();
        this.customerEvent(callId, 'busy');
      }),
      this.voice.onStop((iss, _cid, callId) => {
        if (fromLine(iss)) this.stopped(callId);
      }),
      this.voice.onSummary((iss, _cid, callId, data) => {
        if (fromLine(iss)) this.summarised(callId, data);
      }),
    ];
  }

  private rung(cid: string, callId: string, offer: string, data: SignalData): void {
    if (this.current.role !== 'operator' || this.current.operatorCall?.callId === callId) return;
    const line = this.line!;
    // One call at a time: the line rings someone else.
    if (this.liveCall()) {
      void this.voice.busy(line, cid, callId).catch(() => undefined);
      return;
    }
    const callerName = dataString(data, 'caller_name') ?? this.callerNames.get(callId) ?? 'Customer';
    this.callerNames.delete(callId);
    this.offers.set(callId, offer);
    this.set({ operatorCall: { callId, cid, phase: 'incoming', callerName }, error: undefined });
  }

  private async accepted(callId: string, answer: string): Promise<void> {
    const call = this.current.customerCall;
    if (!call || call.callId !== callId || call.phase !== 'ringing' || !this.peer) return;
    this.customerEvent(callId, 'accepted', { connectedAt: Date.now() });
    try {
      await this.peer.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (err) {
      if (this.current.customerCall?.callId !== callId) return;
      this.endPeer();
      this.signal('stop', call);
      this.customerEvent(callId, 'failed', { error: `The call could not connect: ${describeError(err)}` });
    }
  }

  private stopped(callId: string): void {
    if (this.current.customerCall?.callId === callId) {
      if (isLive(this.current.customerCall.phase)) this.endPeer();
      this.customerEvent(callId, 'stopped');
    }
    if (this.current.operatorCall?.callId === callId) {
      this.endPeer();
      this.operatorEvent(callId, 'stopped');
      this.operatorCallOver(callId);
    }
    this.offers.delete(callId);
    this.callerNames.delete(callId);
  }

  private summarised(callId: string, data: SignalData): void {
    if (this.current.customerCall?.callId === callId) {
      if (isLive(this.current.customerCall.phase)) this.endPeer();
      this.customerEvent(callId, 'summary', {
        durationSeconds: dataNumber(data, 'duration_seconds'),
        endReason: dataString(data, 'end_reason'),
      });
    }
    if (this.current.operatorCall?.callId === callId) {
      this.endPeer();
      this.operatorEvent(callId, 'summary');
      this.operatorCallOver(callId);
    } else if (this.current.role === 'operator') {
      // A call this operator declined or missed has its record now too.
      void this.refreshHistory();
    }
  }

  // ---- helpers ----

  private liveCall(): boolean {
    const { customerCall, operatorCall } = this.current;
    return (!!customerCall && isLive(customerCall.phase)) || (!!operatorCall && isLive(operatorCall.phase));
  }

  private openPeer(): Promise<SupportPeer> {
    return this.peers.open();
  }

  private adoptPeer(peer: SupportPeer, onRemote: (remote: MediaStream) => void): void {
    this.peers.close(this.peer);
    this.peer = peer;
    onRemote(peer.remote);
    // A re-render when the connection state changes (the status line reads it).
    peer.pc.addEventListener('connectionstatechange', () => this.set({}));
  }

  private endPeer(): void {
    this.peers.close(this.peer);
    this.peer = undefined;
  }

  /** An operator call that is over leaves the console; its record is in the history. */
  private operatorCallOver(callId: string): void {
    this.offers.delete(callId);
    if (this.current.operatorCall?.callId === callId) this.set({ operatorCall: undefined });
    void this.refreshHistoryAfter(callId);
    void this.api
      .line()
      .then((line) => !this.disposed && this.set({ operator: line.operator }))
      .catch(() => undefined);
  }

  private isCustomerCall(callId: string, phase: CustomerPhase): boolean {
    return this.current.customerCall?.callId === callId && this.current.customerCall.phase === phase;
  }

  private isOperatorCall(callId: string, phase: OperatorPhase): boolean {
    return this.current.operatorCall?.callId === callId && this.current.operatorCall.phase === phase;
  }

  /** Moves the customer's call on; an event that does not fit its state (a late signal) is dropped. */
  private customerEvent(callId: string, event: CustomerEvent, patch: Partial<CustomerCall> = {}): void {
    const call = this.current.customerCall;
    if (!call || call.callId !== callId) return;
    const phase = fitting(() => nextCustomerPhase(call.phase, event));
    if (phase) this.set({ customerCall: { ...call, ...definedOnly(patch), phase } });
  }

  private operatorEvent(callId: string, event: OperatorEvent, patch: Partial<OperatorCall> = {}): void {
    const call = this.current.operatorCall;
    if (!call || call.callId !== callId) return;
    const phase = fitting(() => nextOperatorPhase(call.phase, event));
    if (phase) this.set({ operatorCall: { ...call, ...definedOnly(patch), phase } });
  }

  private patchCustomer(callId: string, patch: Partial<CustomerCall>): void {
    const call = this.current.customerCall;
    if (call?.callId === callId) this.set({ customerCall: { ...call, ...patch } });
  }

  private patchOperator(callId: string, patch: Partial<OperatorCall>): void {
    const call = this.current.operatorCall;
    if (call?.callId === callId) this.set({ operatorCall: { ...call, ...patch } });
  }

  /** Sends a signal to the line about `call`; a failure leaves it to the line's own timeout. */
  private signal(kind: 'busy' | 'stop', call: { cid: string; callId: string }): void {
    const line = this.line;
    if (!line) return;
    void this.voice[kind](line, call.cid, call.callId).catch(() => undefined);
  }

  private set(patch: Partial<SupportState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}

function fitting<T>(transition: () => T): T | undefined {
  try {
    return transition();
  } catch (err) {
    if (err instanceof IllegalSupportTransition) return undefined;
    throw err;
  }
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
