import type { WebTerminalMessage } from '@parley/protocol';
import { TypedEmitter } from '../events.js';
import {
  canTransition,
  IllegalCallTransitionError,
  initialCallState,
  transitionCall,
  type CallDirection,
  type CallEndReason,
  type CallEvent,
  type CallSnapshot,
  type CallState,
} from './call-state.js';
import { sdpFingerprint, sdpHasVideo } from './sdp.js';
import { TerminalMessages as M } from './terminal-messages.js';

/** What the terminal needs from the platform's WebRTC: the browser's globals by default, fakes in tests. */
export interface TerminalRtc {
  RTCPeerConnection: new (configuration?: RTCConfiguration) => RTCPeerConnection;
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Screen capture (browsers: navigator.mediaDevices.getDisplayMedia); without it screen sharing is refused. */
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  /** Builds the remote stream when tracks arrive without one; optional outside browsers. */
  MediaStream?: new (tracks?: MediaStreamTrack[]) => MediaStream;
}

export interface CallEvents {
  /** state or endReason changed */
  stateChanged: (call: Call) => void;
  /** localStream, remoteStream, the RTCPeerConnection or its connectionState changed */
  mediaChanged: (call: Call) => void;
}

/** @internal What a Call needs from its Terminal. */
export interface CallContext {
  send: (message: WebTerminalMessage) => boolean;
  rtc: () => TerminalRtc;
  rtcConfiguration?: RTCConfiguration;
  /** The ICE servers for a new RTCPeerConnection (fresh TURN credentials), when the terminal has a source. */
  iceServers?: () => Promise<RTCIceServer[] | undefined>;
  iceGatheringTimeoutMs: number;
  reportError: (error: Error) => void;
  /**
   * Waits before each new try of an Offer the core refused with TRY_AGAIN: a new call's (its directory
   * briefly out of reach), which ends with `try_again` once they are used up, and a renegotiation's (the
   * far end's own Offer under way), which then rejects. Default DIAL_RETRY_DELAYS_MS.
   */
  dialRetryDelaysMs?: readonly number[];
}

/** The core refused an Offer of an established call; `code` is the refusal (TRY_AGAIN, INVALID_CALL_ID…). */
export class OfferRefusedError extends Error {
  constructor(readonly code: string) {
    super(`the core refused the new offer (${code})`);
    this.name = 'OfferRefusedError';
  }
}

/** About 4 s in all: a Redis restart or failover of a few seconds, and short for someone waiting to call. */
export const DIAL_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];

export interface CallInit {
  id: string;
  direction: CallDirection;
  /** The other party's msisdn, when known (not for a call pulled from another device). */
  remote?: string;
  /** For incoming calls: the Offer's SDP. */
  offerSdp?: string;
  video?: boolean;
}

/**
 * One call on a terminal: its state (a pure state machine, see call-state.ts), its media and the SDP
 * exchange with the core. Created by Terminal (call(), pullCall() or an incoming Offer), never directly.
 */
export class Call extends TypedEmitter<CallEvents> {
  readonly id: string;
  readonly direction: CallDirection;
  /** When the call was created, answered and ended (ms since epoch). */
  readonly createdAt = Date.now();
  answeredAt: number | undefined;
  endedAt: number | undefined;
  private remoteMsisdn: string | undefined;
  private snapshot: CallSnapshot;
  private pc: RTCPeerConnection | undefined;
  private local: MediaStream | undefined;
  private remoteStreams = new WeakMap<RTCPeerConnection, MediaStream>();
  private readonly offerSdp: string | undefined;
  private readonly wantsVideo: boolean;
  private answering: Promise<void> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private toPhoneRequested = false;
  /** While sharing: the screen track in place of the camera's, and the camera track to put back. */
  private sharing: { screen: MediaStreamTrack; camera: MediaStreamTrack | undefined } | undefined;
  /** Our mid-call Offer waiting for the far end's Answer. */
  private renegotiating: { resolve: () => void; reject: (err: Error) => void; mayRetry: boolean } | undefined;
  /** A new call's Offer, kept to send again if the core asks to try again, and the tries so far. */
  private dialOffer:
    { message: WebTerminalMessage; retries: number; timer?: ReturnType<typeof setTimeout> } | undefined;
  /** Whether the core knows this call (we sent its Offer, or it offered it to us). */
  private known: boolean;

  /** @internal */
  constructor(
    init: CallInit,
    private readonly context: CallContext,
  ) {
    super();
    this.id = init.id;
    this.direction = init.direction;
    this.remoteMsisdn = init.remote;
    this.offerSdp = init.offerSdp;
    this.wantsVideo = init.direction === 'incoming' ? sdpHasVideo(init.offerSdp) : (init.video ?? false);
    this.snapshot = initialCallState(init.direction);
    this.known = init.direction === 'incoming';
  }

  get state(): CallState {
    return this.snapshot.state;
  }
  get endReason(): CallEndReason | undefined {
    return this.snapshot.endReason;
  }
  /** The other party's msisdn (E.164), when known. */
  get remote(): string | undefined {
    return this.remoteMsisdn;
  }
  /** For an incoming call: the caller's msisdn. */
  get from(): string | undefined {
    return this.direction === 'incoming' ? this.remoteMsisdn : undefined;
  }
  /** Whether the call carries (or offered) video. */
  get video(): boolean {
    return this.wantsVideo;
  }
  get localStream(): MediaStream | undefined {
    return this.local;
  }
  get remoteStream(): MediaStream | undefined {
    return this.pc ? this.remoteStreams.get(this.pc) : undefined;
  }
  /** The RTCPeerConnection carrying the media now (it is replaced when the far end moves device). */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.pc;
  }
  get connectionState(): RTCPeerConnectionState | 'new' {
    return this.pc?.connectionState ?? 'new';
  }
  /** Whether the microphone is sending (false when muted or when there is no microphone). */
  get microphoneEnabled(): boolean {
    return this.localTracks('audio').some((t) => t.enabled);
  }
  /** Whether the camera is on (its frames are sent unless the screen is shared instead). */
  get cameraEnabled(): boolean {
    return !!this.cameraTrack()?.enabled;
  }
  /** Whether the call has a microphone / camera track at all (an audio call has no camera). */
  get hasMicrophone(): boolean {
    return this.localTracks('audio').length > 0;
  }
  get hasCamera(): boolean {
    return !!this.cameraTrack();
  }
  /** Whether this side sends its screen instead of its camera. */
  get screenSharing(): boolean {
    return !!this.sharing;
  }
  /** The device id of the microphone or camera in use, when the platform says. */
  inputDevice(kind: 'audio' | 'video'): string | undefined {
    const track =
      kind === 'video'
        ? (this.sharing?.camera ?? this.localTracks('video')[0])
        : this.localTracks('audio')[0];
    return track?.getSettings?.().deviceId;
  }

  /** Whether a move to the phone was requested and not yet confirmed. */
  get movingToPhone(): boolean {
    return this.toPhoneRequested && this.state !== 'ended';
  }

  /** Answers an incoming ringing call: takes the microphone (and camera for a video offer), sends the Answer. */
  answer(): Promise<void> {
    if (this.answering) return this.answering;
    if (!canTransition(this.snapshot, 'localAnswered'))
      throw new IllegalCallTransitionError(this.state, 'localAnswered', this.direction);
    this.answering = this.serialize(() => this.doAnswer());
    return this.answering;
  }

  /** Declines an incoming ringing call (Bye `rejected`). */
  reject(): void {
    if (this.direction !== 'incoming' || this.state !== 'ringing')
      throw new IllegalCallTransitionError(this.state, 'ended', this.direction);
    this.context.send(M.bye(this.id, 'rejected'));
    this.end('rejected');
  }

  /** Ends the call from this side: cancels a call still dialing, declines a ringing one, hangs up otherwise. */
  hangup(): void {
    if (this.isOver()) return;
    const reason: CallEndReason =
      this.state === 'active' ? 'hangup' : this.direction === 'incoming' ? 'rejected' : 'cancelled';
    // Cancelled before the Offer went out: the core never heard of it, so there is nobody to tell.
    if (this.known) this.context.send(M.bye(this.id, reason));
    this.end(reason);
  }

  /** Moves the active call to the user's mobile phone; it ends here (`moved_to_phone`) once the core confirms. */
  toPhone(): void {
    if (this.state !== 'active') throw new IllegalCallTransitionError(this.state, 'ended', this.direction);
    if (this.toPhoneRequested) return;
    this.toPhoneRequested = true;
    if (!this.context.send(M.toPhone(this.id))) {
      this.toPhoneRequested = false;
      throw new Error('the terminal is not connected');
    }
    this.emit('mediaChanged', this);
  }

  /**
   * Mutes or unmutes the microphone. The track keeps flowing with silence (no renegotiation), so the far
   * end's inbound audio level drops to zero while muted.
   */
  setMicrophoneEnabled(enabled: boolean): void {
    for (const track of this.localTracks('audio')) track.enabled = enabled;
    this.emit('mediaChanged', this);
  }

  /** Turns the camera off (black frames, no renegotiation) or on again; the screen share is left alone. */
  setCameraEnabled(enabled: boolean): void {
    const camera = this.cameraTrack();
    if (camera) camera.enabled = enabled;
    this.emit('mediaChanged', this);
  }

  /**
   * Switches the microphone or camera to another device (an id from enumerateDevices): the new track
   * replaces the old one on the same sender, so the far end keeps its track and nothing is renegotiated.
   */
  async switchInput(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    if (this.isOver()) return;
    const rtc = this.context.rtc();
    const stream = await rtc.getUserMedia(
      kind === 'audio'
        ? { audio: { deviceId: { exact: deviceId } } }
        : { video: { deviceId: { exact: deviceId } } },
    );
    const track = stream.getTracks().find((t) => t.kind === kind);
    if (!track) throw new Error(`no ${kind} track from that device`);
    if (this.isOver()) return track.stop();
    const old = kind === 'video' && this.sharing ? this.sharing.camera : this.localTracks(kind)[0];
    if (old) track.enabled = old.enabled;
    if (kind === 'video' && this.sharing) {
      // Sending the screen now: the new camera waits until the share stops.
      this.sharing.camera = track;
    } else {
      const sender = old ? this.pc?.getSenders().find((s) => s.track === old) : undefined;
      if (sender) await sender.replaceTrack(track);
      else if (this.pc) {
        this.pc.addTrack(track, this.ensureLocalStream(rtc));
        await this.renegotiate();
      }
      if (old) this.local?.removeTrack(old);
      this.ensureLocalStream(rtc).addTrack(track);
    }
    old?.stop();
    this.emit('mediaChanged', this);
  }

  /**
   * Sends the screen (getDisplayMedia) instead of the camera. A call that already sends video swaps the
   * track on its sender; a call without a video sender adds one and renegotiates through the core (a
   * mid-call Offer, answered by the far end). Ends by itself when the user stops sharing in the browser.
   */
  async startScreenShare(): Promise<void> {
    if (this.state !== 'active' || !this.pc)
      throw new IllegalCallTransitionError(this.state, 'ended', this.direction);
    if (this.sharing) return;
    const rtc = this.context.rtc();
    if (!rtc.getDisplayMedia) throw new Error('screen sharing is not available on this platform');
    const display = await rtc.getDisplayMedia({ video: true, audio: false });
    const screen = display.getVideoTracks()[0];
    if (!screen) throw new Error('no screen was chosen');
    if (this.isOver() || !this.pc) return screen.stop();
    const pc = this.pc;
    const camera = this.localTracks('video')[0];
    this.sharing = { screen, camera };
    screen.addEventListener('ended', () => void this.stopScreenShare().catch(() => undefined));
    const stream = this.ensureLocalStream(rtc);
    if (camera) stream.removeTrack(camera);
    stream.addTrack(screen);
    try {
      const sender = pc.getSenders().find((s) => s.track?.kind === 'video' || (camera && s.track === camera));
      const idle = pc
        .getTransceivers()
        .find(
          (t) => t.currentDirection !== 'stopped' && !t.sender.track && t.receiver.track?.kind === 'video',
        );
      if (sender) await sender.replaceTrack(screen);
      else if (idle) {
        await idle.sender.replaceTrack(screen);
        idle.direction = 'sendrecv';
        await this.renegotiate();
      } else {
        pc.addTrack(screen, stream);
        await this.renegotiate();
      }
    } catch (err) {
      await this.stopScreenShare().catch(() => undefined);
      throw err;
    }
    this.emit('mediaChanged', this);
  }

  /** Puts the camera back (or sends nothing on the added video sender) and stops the capture. */
  async stopScreenShare(): Promise<void> {
    const sharing = this.sharing;
    if (!sharing) return;
    this.sharing = undefined;
    const sender = this.pc?.getSenders().find((s) => s.track === sharing.screen);
    if (sender && !this.isOver()) await sender.replaceTrack(sharing.camera ?? null).catch(() => undefined);
    this.local?.removeTrack(sharing.screen);
    if (sharing.camera) this.local?.addTrack(sharing.camera);
    sharing.screen.stop();
    this.emit('mediaChanged', this);
  }

  /**
   * Sends a new Offer on the current connection (after adding a track) and resolves when the far end's
   * Answer is applied. The core refuses it while another Offer of this call is under way (TRY_AGAIN, both
   * ends renegotiating at once): the local description is rolled back, the far end's Offer is answered,
   * and this one goes again after each of `dialRetryDelaysMs`. Rejects with OfferRefusedError once they are
   * used up, or at once for any other refusal.
   */
  async renegotiate(): Promise<void> {
    const delays = this.context.dialRetryDelaysMs ?? DIAL_RETRY_DELAYS_MS;
    for (let tries = 0; ; tries++) {
      try {
        return await this.renegotiateOnce(tries < delays.length);
      } catch (err) {
        const again = err instanceof OfferRefusedError && err.code === 'TRY_AGAIN' && tries < delays.length;
        if (!again || this.isOver()) throw err;
      }
      // Outside the call's queue, so the far end's Offer is answered meanwhile.
      await new Promise((resolve) => setTimeout(resolve, delays[tries]));
      if (this.isOver()) throw new Error('the call ended');
    }
  }

  private renegotiateOnce(mayRetry: boolean): Promise<void> {
    return this.serialize(async () => {
      const pc = this.pc;
      if (this.state !== 'active' || !pc)
        throw new IllegalCallTransitionError(this.state, 'ended', this.direction);
      await pc.setLocalDescription(await pc.createOffer());
      await waitForIceGathering(pc, this.context.iceGatheringTimeoutMs);
      if (this.isOver() || this.pc !== pc) return;
      // Set before sending: the Answer may come back before this task's next step.
      const answered = new Promise<void>(
        (resolve, reject) => (this.renegotiating = { resolve, reject, mayRetry }),
      );
      if (!this.context.send(M.offer(this.id, pc.localDescription?.sdp ?? ''))) {
        this.renegotiating = undefined;
        await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
        throw new Error('the terminal is not connected');
      }
      // Queued work (the Answer itself goes through remoteAnswer, outside this queue) waits for it.
      await answered;
    });
  }

  // ---- driven by Terminal ----

  /** @internal Outgoing or pulled call: takes media, sends the Offer (to `msisdn` for a new call). */
  dial(msisdn: string | undefined): Promise<void> {
    return this.serialize(async () => {
      try {
        const stream = await this.acquireMedia(this.wantsVideo);
        if (this.isOver()) return stopStream(stream);
        this.local = stream;
        const pc = await this.createPeer();
        if (this.isOver()) return pc.close();
        this.pc = pc;
        this.addLocalMedia(pc, true);
        this.emit('mediaChanged', this);
        await pc.setLocalDescription(await pc.createOffer());
        await waitForIceGathering(pc, this.context.iceGatheringTimeoutMs);
        if (this.isOver()) return;
        const offer = M.offer(this.id, pc.localDescription?.sdp ?? '', msisdn);
        if (!this.context.send(offer)) return this.end('connection_lost');
        this.known = true;
        if (msisdn) this.dialOffer = { message: offer, retries: 0 };
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** @internal The core forwarded Ringing. */
  remoteRinging(): void {
    this.apply({ type: 'remoteRinging' }, true);
  }

  /** @internal An Answer to our Offer. */
  remoteAnswer(sdp: string): Promise<void> {
    const pending = this.renegotiating;
    if (pending && this.state === 'active' && this.pc) {
      // The Answer to our mid-call Offer: applied at once (the queue is waiting for it).
      this.renegotiating = undefined;
      return this.pc.setRemoteDescription({ type: 'answer', sdp }).then(
        () => {
          pending.resolve();
          this.emit('mediaChanged', this);
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          pending.reject(error);
          this.fail(error);
        },
      );
    }
    return this.serialize(async () => {
      if (!canTransition(this.snapshot, 'remoteAnswered') || !this.pc) return;
      try {
        await this.pc.setRemoteDescription({ type: 'answer', sdp });
        this.answeredAt = Date.now();
        this.apply({ type: 'remoteAnswered' }, true);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /**
   * @internal An Offer for this established call: the far end renegotiates (same endpoint: answered on
   * the same RTCPeerConnection) or moved to another device (new DTLS fingerprint: a fresh connection
   * answers and replaces the old one).
   */
  remoteOffer(sdp: string): Promise<void> {
    return this.serialize(async () => {
      if (this.state !== 'active' || !this.pc) return;
      const current = this.pc.remoteDescription?.sdp;
      const sameEndpoint = sdpFingerprint(current) === sdpFingerprint(sdp);
      if (sameEndpoint) {
        try {
          const pc = this.pc;
          await pc.setRemoteDescription({ type: 'offer', sdp });
          await pc.setLocalDescription(await pc.createAnswer());
          await waitForIceGathering(pc, this.context.iceGatheringTimeoutMs);
          if (this.isOver() || this.pc !== pc) return;
          this.context.send(M.answer(this.id, pc.localDescription?.sdp ?? ''));
          return;
        } catch {
          // The offer does not fit the current connection (e.g. other m-lines): start a fresh one below.
        }
      }
      try {
        await this.replacePeer(sdp);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** @internal Bye from the core. */
  remoteBye(reason: string): void {
    this.end(reason || 'hangup');
  }

  /** @internal The core says the call is now elsewhere (InCall for it): on the phone or another device. */
  movedAway(): void {
    this.end(this.toPhoneRequested ? 'moved_to_phone' : 'moved');
  }

  /**
   * @internal The core refused a message about this call; a call not yet established ends, unless the
   * core asked to try again: then the Offer goes again after a while. True when the refusal is handled
   * here (a try is scheduled), so the terminal does not report it.
   */
  refused(code: string): boolean {
    if (code === 'TRY_AGAIN' && this.state === 'dialing' && this.retryDial()) return true;
    const pending = this.renegotiating;
    if (pending && this.pc) {
      this.renegotiating = undefined;
      const pc = this.pc;
      void pc
        .setLocalDescription({ type: 'rollback' })
        .catch(() => undefined)
        .then(() => pending.reject(new OfferRefusedError(code)));
      // renegotiate() sends it again: not worth reporting yet.
      if (code === 'TRY_AGAIN' && pending.mayRetry) return true;
    }
    if (this.toPhoneRequested) {
      this.toPhoneRequested = false;
      this.emit('mediaChanged', this);
    }
    // An Offer the core refused left no call there: end it here without a Bye.
    if (this.state === 'dialing') this.end(code.toLowerCase());
    return false;
  }

  /** Schedules the next try of the dial's Offer; false when there is none to send or none left. */
  private retryDial(): boolean {
    const dial = this.dialOffer;
    const delays = this.context.dialRetryDelaysMs ?? DIAL_RETRY_DELAYS_MS;
    if (dial?.timer) return true; // a try is already on its way
    if (!dial || dial.retries >= delays.length) return false;
    const delay = delays[dial.retries]!;
    dial.retries++;
    dial.timer = setTimeout(() => {
      dial.timer = undefined;
      if (this.state !== 'dialing') return;
      if (!this.context.send(dial.message)) this.end('connection_lost');
    }, delay);
    return true;
  }

  /** @internal Ends the call locally without telling the core (it already knows, or cannot be told). */
  end(reason: CallEndReason): void {
    if (this.isOver()) return;
    clearTimeout(this.dialOffer?.timer);
    this.dialOffer = undefined;
    this.endedAt = Date.now();
    this.apply({ type: 'ended', reason }, false);
    this.renegotiating?.reject(new Error('the call ended'));
    this.renegotiating = undefined;
    this.pc?.close();
    stopStream(this.local);
    this.sharing?.camera?.stop();
    this.sharing?.screen.stop();
    this.emit('stateChanged', this);
    this.emit('mediaChanged', this);
  }

  // ---- internals ----

  /** A method, not `state === 'ended'`: TypeScript would keep a narrowing across awaits. */
  private isOver(): boolean {
    return this.snapshot.state === 'ended';
  }
  private isRinging(): boolean {
    return this.snapshot.state === 'ringing';
  }

  private async doAnswer(): Promise<void> {
    try {
      const stream = await this.acquireMedia(this.wantsVideo);
      if (this.state !== 'ringing') return stopStream(stream);
      this.local = stream;
      const pc = await this.createPeer();
      if (!this.isRinging()) return pc.close();
      this.pc = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: this.offerSdp ?? '' });
      this.addLocalMedia(pc, false);
      this.emit('mediaChanged', this);
      await pc.setLocalDescription(await pc.createAnswer());
      await waitForIceGathering(pc, this.context.iceGatheringTimeoutMs);
      // Answered elsewhere or cancelled while the camera started: nothing to send.
      if (!this.isRinging()) return;
      if (!this.context.send(M.answer(this.id, pc.localDescription?.sdp ?? ''))) {
        this.end('connection_lost');
        return;
      }
      this.answeredAt = Date.now();
      this.apply({ type: 'localAnswered' }, true);
    } catch (err) {
      this.fail(err);
    }
  }

  private async replacePeer(sdp: string): Promise<void> {
    const pc = await this.createPeer();
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      this.addLocalMedia(pc, false);
      await pc.setLocalDescription(await pc.createAnswer());
      await waitForIceGathering(pc, this.context.iceGatheringTimeoutMs);
    } catch (err) {
      pc.close();
      throw err;
    }
    if (this.isOver()) {
      pc.close();
      return;
    }
    const old = this.pc;
    this.pc = pc;
    old?.close();
    this.context.send(M.answer(this.id, pc.localDescription?.sdp ?? ''));
    this.emit('mediaChanged', this);
  }

  private async createPeer(): Promise<RTCPeerConnection> {
    const rtc = this.context.rtc();
    const configured = this.context.rtcConfiguration ?? { iceServers: [] };
    const fresh = await this.context.iceServers?.().catch(() => undefined);
    const pc = new rtc.RTCPeerConnection(fresh ? { ...configured, iceServers: fresh } : configured);
    pc.addEventListener('track', (ev: RTCTrackEvent) => {
      let stream = this.remoteStreams.get(pc);
      const fromEvent = ev.streams?.[0];
      if (!stream && fromEvent) stream = fromEvent;
      else if (!stream && rtc.MediaStream) stream = new rtc.MediaStream([ev.track]);
      else if (stream && !stream.getTracks().includes(ev.track)) stream.addTrack(ev.track);
      if (stream) this.remoteStreams.set(pc, stream);
      if (this.pc === pc) this.emit('mediaChanged', this);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (this.pc === pc) this.emit('mediaChanged', this);
    });
    return pc;
  }

  /** Sends our tracks; a wanted kind without a local track is still received (recvonly). */
  private addLocalMedia(pc: RTCPeerConnection, offering: boolean): void {
    const tracks = this.local?.getTracks() ?? [];
    for (const track of tracks) pc.addTrack(track, this.local!);
    if (!offering) return;
    const kinds = new Set(tracks.map((t) => t.kind));
    if (!kinds.has('audio')) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (this.wantsVideo && !kinds.has('video')) pc.addTransceiver('video', { direction: 'recvonly' });
  }

  /** Microphone (and camera), degrading to what the device has; none at all means receive-only. */
  private async acquireMedia(video: boolean): Promise<MediaStream | undefined> {
    const rtc = this.context.rtc();
    const attempts: MediaStreamConstraints[] = video
      ? [{ audio: true, video: true }, { audio: true }, { video: true }]
      : [{ audio: true }];
    for (const constraints of attempts) {
      try {
        return await rtc.getUserMedia(constraints);
      } catch {
        // No such device or permission refused: try with less.
      }
    }
    return undefined;
  }

  private cameraTrack(): MediaStreamTrack | undefined {
    return this.sharing ? this.sharing.camera : this.localTracks('video')[0];
  }

  private localTracks(kind: 'audio' | 'video'): MediaStreamTrack[] {
    return this.local?.getTracks().filter((t) => t.kind === kind) ?? [];
  }

  private ensureLocalStream(rtc: TerminalRtc): MediaStream {
    if (!this.local) {
      if (!rtc.MediaStream) throw new Error('no MediaStream on this platform: pass options.rtc.MediaStream');
      this.local = new rtc.MediaStream();
    }
    return this.local;
  }

  private apply(event: CallEvent, notify: boolean): void {
    if (!canTransition(this.snapshot, event)) return; // stale news about a call that moved on
    this.snapshot = transitionCall(this.snapshot, event);
    if (notify) this.emit('stateChanged', this);
  }

  private fail(err: unknown): void {
    if (this.isOver()) return;
    this.context.reportError(err instanceof Error ? err : new Error(String(err)));
    if (this.known) this.context.send(M.bye(this.id, 'media_error'));
    this.end('media_error');
  }

  /** SDP work happens one step at a time per call (an Answer must not overtake our own Offer). */
  private serialize(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * Non-trickle ICE: waits until the description carries every candidate (gathering complete), or the
 * timeout, whichever is first; what was gathered by then is sent.
 */
export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onState);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const onState = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const onCandidate = (ev: RTCPeerConnectionIceEvent) => {
      if (!ev.candidate) done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onState);
    pc.addEventListener('icecandidate', onCandidate);
  });
}
