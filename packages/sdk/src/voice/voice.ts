import type {
  SendVoiceSignalRequest,
  SendVoiceSignalResponse,
  VoiceData,
  VoiceSignal,
  VoiceSignalKind,
} from '@parley/protocol';
import { RecentIds } from './recent-ids.js';
import { DEFAULT_SIGNAL_RETRY, sendWithRetries, type SignalRetryPolicy } from './send-retry.js';

/** `start` and `accept`: the issuer's connection details come along (`peerInfo`, e.g. an SDP). */
export type VoiceOfferHandler = (
  iss: string,
  cid: string,
  callId: string,
  peerInfo: string | undefined,
  data: VoiceData | undefined,
  signal: VoiceSignal,
) => void | Promise<unknown>;

/** `setup`, `busy`, `stop` and `summary`: no connection details. */
export type VoiceNoticeHandler = (
  iss: string,
  cid: string,
  callId: string,
  data: VoiceData | undefined,
  signal: VoiceSignal,
) => void | Promise<unknown>;

type OfferKind = Extract<VoiceSignalKind, 'start' | 'accept'>;
type NoticeKind = Exclude<VoiceSignalKind, OfferKind>;

export interface VoiceOptions {
  /** `POST /v1/voice/signals` with the owner's credentials. */
  send: (request: SendVoiceSignalRequest) => Promise<SendVoiceSignalResponse>;
  /** A handler threw or its promise rejected. */
  onHandlerError: (error: Error) => void;
  retry?: Partial<SignalRetryPolicy>;
  /** How many recent signal ids are remembered to drop a signal that arrives again. */
  recentSignalIds?: number;
  newSignalId?: () => string;
}

/**
 * Voice negotiation for a user's devices or a machine client (a calling proxy): subscribe to the signals
 * addressed to this identity and send signals to others. Every `on…` returns its unsubscribe function. A
 * send carries a fresh signal id that the SDK reuses when it retries a send that got no answer (or a 5xx),
 * so the recipient, which drops ids it has already seen, acts on it once.
 */
export class Voice {
  private readonly offerHandlers: Record<OfferKind, Set<VoiceOfferHandler>> = {
    start: new Set(),
    accept: new Set(),
  };
  private readonly noticeHandlers: Record<NoticeKind, Set<VoiceNoticeHandler>> = {
    setup: new Set(),
    busy: new Set(),
    stop: new Set(),
    summary: new Set(),
  };
  private readonly seen: RecentIds;
  private readonly retry: SignalRetryPolicy;

  /** @internal Created by `Messenger.voice()` and `MachineClient.voice()`. */
  constructor(private readonly options: VoiceOptions) {
    this.seen = new RecentIds(options.recentSignalIds);
    this.retry = { ...DEFAULT_SIGNAL_RETRY, ...options.retry };
  }

  /** Someone asks this identity to call them back on `cid` (their offer in `peerInfo`). */
  onStart(handler: VoiceOfferHandler): () => void {
    return subscribe(this.offerHandlers.start, handler);
  }
  /** The recipient took the call; `peerInfo` holds their answer. */
  onAccept(handler: VoiceOfferHandler): () => void {
    return subscribe(this.offerHandlers.accept, handler);
  }
  /** The recipient cannot take the call. */
  onBusy(handler: VoiceNoticeHandler): () => void {
    return subscribe(this.noticeHandlers.busy, handler);
  }
  /** The call was hung up by the other side. */
  onStop(handler: VoiceNoticeHandler): () => void {
    return subscribe(this.noticeHandlers.stop, handler);
  }
  /** A call is announced before it rings (e.g. `data.caller_name`). */
  onSetup(handler: VoiceNoticeHandler): () => void {
    return subscribe(this.noticeHandlers.setup, handler);
  }
  /** A call is over (e.g. `data.duration_seconds`). */
  onSummary(handler: VoiceNoticeHandler): () => void {
    return subscribe(this.noticeHandlers.summary, handler);
  }

  start(
    to: string,
    cid: string,
    callId: string,
    peerInfo?: string,
    data?: VoiceData,
  ): Promise<SendVoiceSignalResponse> {
    return this.send('start', to, cid, callId, peerInfo, data);
  }
  accept(
    to: string,
    cid: string,
    callId: string,
    peerInfo?: string,
    data?: VoiceData,
  ): Promise<SendVoiceSignalResponse> {
    return this.send('accept', to, cid, callId, peerInfo, data);
  }
  busy(to: string, cid: string, callId: string, data?: VoiceData): Promise<SendVoiceSignalResponse> {
    return this.send('busy', to, cid, callId, undefined, data);
  }
  stop(to: string, cid: string, callId: string, data?: VoiceData): Promise<SendVoiceSignalResponse> {
    return this.send('stop', to, cid, callId, undefined, data);
  }
  setup(to: string, cid: string, callId: string, data?: VoiceData): Promise<SendVoiceSignalResponse> {
    return this.send('setup', to, cid, callId, undefined, data);
  }
  summary(to: string, cid: string, callId: string, data?: VoiceData): Promise<SendVoiceSignalResponse> {
    return this.send('summary', to, cid, callId, undefined, data);
  }

  /**
   * @internal A signal from the owner's socket, already checked against the protocol's `VoiceSignal`.
   * One whose id was seen recently is dropped.
   */
  receive(signal: VoiceSignal): void {
    if (!this.seen.add(signal.id)) return;
    const { kind, iss, cid, call_id: callId, peer_info: peerInfo, data } = signal;
    if (kind === 'start' || kind === 'accept') {
      for (const handler of [...this.offerHandlers[kind]])
        this.run(() => handler(iss, cid, callId, peerInfo, data, signal));
      return;
    }
    for (const handler of [...this.noticeHandlers[kind]])
      this.run(() => handler(iss, cid, callId, data, signal));
  }

  private send(
    kind: VoiceSignalKind,
    to: string,
    cid: string,
    callId: string,
    peerInfo: string | undefined,
    data: VoiceData | undefined,
  ): Promise<SendVoiceSignalResponse> {
    const request: SendVoiceSignalRequest = {
      kind,
      to,
      cid,
      call_id: callId,
      id: this.options.newSignalId?.() ?? randomSignalId(),
      ...(peerInfo !== undefined ? { peer_info: peerInfo } : {}),
      ...(data !== undefined ? { data } : {}),
    };
    return sendWithRetries(() => this.options.send(request), this.retry);
  }

  /** One handler; what it throws or rejects with is reported, and never stops the other handlers. */
  private run(call: () => void | Promise<unknown>): void {
    const report = (err: unknown) =>
      this.options.onHandlerError(err instanceof Error ? err : new Error(String(err)));
    try {
      const result = call();
      if (result && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(undefined, report);
    } catch (err) {
      report(err);
    }
  }
}

function subscribe<H>(handlers: Set<H>, handler: H): () => void {
  handlers.add(handler);
  return () => void handlers.delete(handler);
}

/**
 * A UUID v4. `crypto.randomUUID` exists only in secure contexts (https, localhost); a page served over plain
 * http still has `getRandomValues`, from which the same format is built.
 */
export function randomSignalId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
