import { voipLinkOf, type CallLink, type Conversation, type Voice } from '@parley/sdk';
import type { VideoInvite } from '@parley/protocol';
import { describeError } from '../app/errors';
import { dataString, type SignalData } from '../support/voice';

/**
 * In-app calls of the built-in `parley` provider, and video invites, on this device. A call's creator hosts
 * it: once in the call (`callLink.join()`), it answers each participant's voice `start` (a complete,
 * non-trickle SDP offer on the conversation, call id = the gateway's call id) with `accept`. A participant who
 * taps Join joins through the gateway, then offers to the creator. Hanging up leaves through the gateway and
 * sends `stop`. Invites arrive as a `start` from the gateway whose data names the invite (`video_invite`).
 */

/**
 * `ringing`: this user's video invite rings the callee, and joining waits for the answer (a call someone
 * joined has started, and a started call can no longer be missed).
 */
export type InAppCallPhase = 'ringing' | 'joining' | 'waiting' | 'connecting' | 'connected' | 'ended';

export interface InAppPeerView {
  userId: string;
  remote: MediaStream;
  connection: RTCPeerConnectionState;
}

export interface InAppCall {
  gatewayCallId: string;
  cid: string;
  role: 'host' | 'guest';
  phase: InAppCallPhase;
  local?: MediaStream;
  peers: readonly InAppPeerView[];
  error?: string;
}

export interface IncomingInvite {
  inviteId: string;
  cid: string;
  gatewayCallId: string;
  provider: string;
  room: string;
  callerId: string;
}

export interface OutgoingInvite {
  invite: VideoInvite;
  error?: string;
}

/** A call joined through a provider that has its own app: what that app needs. */
export interface ExternalJoin {
  gatewayCallId: string;
  provider: string;
  room: string;
}

export interface ProviderCallsState {
  call: InAppCall | undefined;
  incoming: IncomingInvite | undefined;
  outgoing: OutgoingInvite | undefined;
  external: readonly ExternalJoin[];
  error: string | undefined;
}

/** What the desk needs of WebRTC; the browser's by default. */
export interface InAppPeers {
  openMedia(): Promise<MediaStream>;
  open(local: MediaStream): Promise<RTCPeerConnection>;
  offer(pc: RTCPeerConnection): Promise<string>;
  answer(pc: RTCPeerConnection, offer: string): Promise<string>;
}

/** What the desk needs of the Messenger. */
export interface ProviderCallsMessenger {
  readonly userId: string;
  voice(): Pick<Voice, 'onStart' | 'onAccept' | 'onStop' | 'start' | 'accept' | 'stop'>;
  conversation(id: string): Conversation | undefined;
  readonly video: {
    call(conversationId: string, calleeId: string, options?: { provider?: string }): Promise<VideoInvite>;
    invite(inviteId: string): Promise<VideoInvite>;
    answer(inviteId: string): Promise<VideoInvite>;
    decline(inviteId: string): Promise<VideoInvite>;
  };
}

const INVITE_REFRESH_MS = 1000;
const CARD_WAIT_MS = 15_000;

const INITIAL: ProviderCallsState = {
  call: undefined,
  incoming: undefined,
  outgoing: undefined,
  external: [],
  error: undefined,
};

interface LivePeer {
  userId: string;
  pc: RTCPeerConnection;
  remote: MediaStream;
}

export class ProviderCallDesk {
  private current: ProviderCallsState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private readonly peers = new Map<string, LivePeer>();
  private link: CallLink | undefined;
  private hostId: string | undefined;
  private unsubscribe: Array<() => void> = [];
  private inviteTimer: ReturnType<typeof setTimeout> | undefined;
  /** Offers that reached this host before it was in the call, answered once it is. */
  private readonly pendingOffers = new Map<string, string>();
  private disposed = false;

  constructor(
    private readonly messenger: ProviderCallsMessenger,
    private readonly rtc: InAppPeers,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ProviderCallsState => this.current;

  /** The in-app call's peer connections (for the media checks of the e2e suite). */
  peerConnections(): RTCPeerConnection[] {
    return [...this.peers.values()].map((p) => p.pc);
  }

  open(): void {
    const voice = this.messenger.voice();
    this.unsubscribe = [
      voice.onStart((iss, cid, callId, peerInfo, data) => {
        if (dataString(data, 'video_invite')) this.rung(cid, data);
        else if (peerInfo) void this.offered(iss, cid, callId, peerInfo);
      }),
      voice.onAccept((iss, _cid, callId, peerInfo) => {
        if (peerInfo) void this.accepted(iss, callId, peerInfo);
      }),
      voice.onStop((iss, _cid, callId, data) => this.stopped(iss, callId, data)),
    ];
  }

  dispose(): void {
    if (this.current.call && this.current.call.phase !== 'ended') void this.hangUp();
    this.disposed = true;
    this.unsubscribe.forEach((off) => off());
    this.unsubscribe = [];
    clearTimeout(this.inviteTimer);
    this.listeners.clear();
  }

  // ---- calls of the built-in provider ----

  /**
   * This user just created a `parley` call: host it. Waits for its card (the gateway posts it), joins through
   * the card, then waits for the others' offers.
   */
  async host(
    conversation: Conversation,
    gatewayCallId: string,
    options: { untilAnswered?: boolean } = {},
  ): Promise<void> {
    if (this.inCall()) return;
    this.pendingOffers.clear();
    const phase = options.untilAnswered ? 'ringing' : 'joining';
    this.set({
      call: { gatewayCallId, cid: conversation.id, role: 'host', phase, peers: [] },
      error: undefined,
    });
    if (phase === 'joining') await this.enterAsHost(conversation, gatewayCallId);
  }

  private async enterAsHost(conversation: Conversation, gatewayCallId: string): Promise<void> {
    this.patchCall(gatewayCallId, { phase: 'joining' });
    try {
      const link = await cardOf(conversation, gatewayCallId);
      if (!this.isCall(gatewayCallId)) return link.dispose();
      await this.enter(link, 'host');
      const call = this.current.call;
      for (const [iss, offer] of [...this.pendingOffers]) {
        this.pendingOffers.delete(iss);
        if (call) void this.offered(iss, call.cid, gatewayCallId, offer);
      }
    } catch (err) {
      this.fail(gatewayCallId, `Could not start the call: ${describeError(err)}`);
    }
  }

  /** Joins the call of a card. On `parley` this device calls the host; the host's own card re-enters it. */
  async join(conversation: Conversation, messageId: string): Promise<void> {
    const link = conversation.callLink(messageId);
    const id = link?.gatewayCallId;
    if (!link || !id) return;
    if (link.provider !== 'parley') {
      try {
        const { call } = await link.join();
        if (call.joinUrl) window.open(call.joinUrl, '_blank', 'noopener,noreferrer');
        else
          this.set({
            external: [
              ...this.current.external.filter((e) => e.gatewayCallId !== id),
              { gatewayCallId: id, provider: call.provider, room: call.roomId },
            ],
          });
      } catch (err) {
        this.set({ error: `Could not join the call: ${describeError(err)}` });
      } finally {
        link.dispose();
      }
      return;
    }
    if (this.inCall()) return link.dispose();
    this.set({
      call: { gatewayCallId: id, cid: conversation.id, role: 'guest', phase: 'joining', peers: [] },
      error: undefined,
    });
    try {
      await this.enter(link, 'guest');
    } catch (err) {
      this.fail(id, `Could not join the call: ${describeError(err)}`);
    }
  }

  async hangUp(): Promise<void> {
    const call = this.current.call;
    if (!call || call.phase === 'ended') return;
    const link = this.link;
    const voice = this.messenger.voice();
    for (const peer of this.peers.values())
      void voice.stop(peer.userId, call.cid, call.gatewayCallId).catch(() => undefined);
    if (call.role === 'guest' && this.hostId && !this.peers.has(this.hostId))
      void voice.stop(this.hostId, call.cid, call.gatewayCallId).catch(() => undefined);
    this.closeAll();
    this.link = undefined;
    this.set({ call: undefined });
    if (link) {
      await link.leave().catch(() => undefined);
      link.dispose();
    }
  }

  private async enter(link: CallLink, role: 'host' | 'guest'): Promise<void> {
    const id = link.gatewayCallId!;
    this.link = link;
    const local = await this.rtc.openMedia();
    if (!this.isCall(id)) return stopMedia(local);
    this.patchCall(id, { local });
    const { call } = await link.join();
    if (!this.isCall(id)) {
      // Hung up while the gateway let this user in: out again.
      void link.leave().catch(() => undefined);
      return;
    }
    this.hostId = call.createdBy;
    // The creator re-entering the call (another tab, a reload) hosts it again.
    if (role === 'host' || call.createdBy === this.messenger.userId) {
      this.patchCall(id, { role: 'host', phase: 'waiting' });
      return;
    }
    this.patchCall(id, { phase: 'connecting' });
    const pc = await this.openPeer(call.createdBy, local);
    const offer = await this.rtc.offer(pc);
    if (!this.isCall(id)) return;
    await this.messenger.voice().start(call.createdBy, link.conversationId, id, offer);
    // The card follows the call: once it is over there is nothing left to wait for.
    link.on('changed', (l) => {
      if (l.finished && this.isCall(id)) void this.hangUp();
    });
  }

  /** A participant's offer to this host. */
  private async offered(iss: string, cid: string, callId: string, offer: string): Promise<void> {
    const call = this.current.call;
    if (!call || call.role !== 'host' || call.gatewayCallId !== callId || call.cid !== cid) return;
    if (call.phase === 'ringing' || call.phase === 'joining' || !call.local) {
      // Early: kept until this host is in the call. An offer while the invite rings means it was answered.
      this.pendingOffers.set(iss, offer);
      const conversation = this.messenger.conversation(cid);
      if (call.phase === 'ringing' && conversation) void this.enterAsHost(conversation, callId);
      return;
    }
    try {
      this.closePeer(iss);
      const pc = await this.openPeer(iss, call.local);
      const answer = await this.rtc.answer(pc, offer);
      if (!this.isCall(callId)) return;
      await this.messenger.voice().accept(iss, cid, callId, answer);
      this.patchCall(callId, { phase: 'connected' });
    } catch (err) {
      this.closePeer(iss);
      this.set({ error: `Could not answer: ${describeError(err)}` });
    }
  }

  private async accepted(iss: string, callId: string, answer: string): Promise<void> {
    const call = this.current.call;
    const peer = this.peers.get(iss);
    if (!call || call.role !== 'guest' || call.gatewayCallId !== callId || !peer) return;
    try {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp: answer });
      this.patchCall(callId, { phase: 'connected' });
    } catch (err) {
      this.fail(callId, `The call could not connect: ${describeError(err)}`);
    }
  }

  private stopped(iss: string, callId: string, data: SignalData): void {
    if (dataString(data, 'video_invite')) {
      if (this.current.incoming?.inviteId === callId) this.set({ incoming: undefined });
      return;
    }
    const call = this.current.call;
    if (!call || call.gatewayCallId !== callId) return;
    this.closePeer(iss);
    if (call.role === 'guest') void this.hangUp();
    else this.patchCall(callId, { phase: this.peers.size > 0 ? 'connected' : 'waiting' });
  }

  // ---- video invites ----

  /** Rings the other person of a direct conversation (the gateway tries 3 times, then reports missed). */
  async invite(conversation: Conversation, calleeId: string, provider?: string): Promise<void> {
    if (this.current.outgoing?.invite.status === 'inviting') return;
    try {
      const invite = await this.messenger.video.call(conversation.id, calleeId, provider ? { provider } : {});
      this.set({ outgoing: { invite }, error: undefined });
      if (invite.call.provider === 'parley')
        void this.host(conversation, invite.call.id, { untilAnswered: true });
      this.followInvite(invite.id);
    } catch (err) {
      this.set({ error: `Could not start a video call: ${describeError(err)}` });
    }
  }

  dismissOutgoing(): void {
    if (this.current.outgoing?.invite.status !== 'inviting') this.set({ outgoing: undefined });
  }

  async acceptInvite(): Promise<void> {
    const incoming = this.current.incoming;
    if (!incoming) return;
    this.set({ incoming: undefined });
    try {
      await this.messenger.video.answer(incoming.inviteId);
      const conversation = this.messenger.conversation(incoming.cid);
      if (!conversation) return;
      const link = await cardOf(conversation, incoming.gatewayCallId);
      const messageId = link.messageId;
      link.dispose();
      await this.join(conversation, messageId);
    } catch (err) {
      this.set({ error: `Could not answer the video call: ${describeError(err)}` });
    }
  }

  async declineInvite(): Promise<void> {
    const incoming = this.current.incoming;
    if (!incoming) return;
    this.set({ incoming: undefined });
    await this.messenger.video.decline(incoming.inviteId).catch(() => undefined);
  }

  private rung(cid: string, data: SignalData): void {
    const inviteId = dataString(data, 'video_invite');
    const gatewayCallId = dataString(data, 'call_id');
    const callerId = dataString(data, 'caller_id');
    if (!inviteId || !gatewayCallId || !callerId) return;
    // Each try rings again with the same invite: one card.
    if (this.current.incoming?.inviteId === inviteId) return;
    this.set({
      incoming: {
        inviteId,
        cid,
        gatewayCallId,
        callerId,
        provider: dataString(data, 'provider') ?? 'parley',
        room: dataString(data, 'room') ?? '',
      },
    });
  }

  /** The caller's view of the invite: its tries while it rings, then how it ended. */
  private followInvite(inviteId: string): void {
    clearTimeout(this.inviteTimer);
    this.inviteTimer = setTimeout(() => {
      void this.messenger.video.invite(inviteId).then(
        (invite) => {
          if (this.disposed || this.current.outgoing?.invite.id !== inviteId) return;
          this.set({ outgoing: { invite } });
          const call = this.current.call;
          const ours = call?.gatewayCallId === invite.call.id;
          if (invite.status === 'inviting') this.followInvite(inviteId);
          else if (invite.status === 'answered') {
            const conversation = this.messenger.conversation(invite.call.conversationId);
            if (ours && call.phase === 'ringing' && conversation)
              void this.enterAsHost(conversation, invite.call.id);
          } else if (ours && call.phase === 'ringing') this.set({ call: undefined });
          else if (ours) void this.hangUp();
        },
        () => this.followInvite(inviteId),
      );
    }, INVITE_REFRESH_MS);
  }

  // ---- helpers ----

  private inCall(): boolean {
    return !!this.current.call && this.current.call.phase !== 'ended';
  }

  private isCall(gatewayCallId: string): boolean {
    return this.current.call?.gatewayCallId === gatewayCallId && this.current.call.phase !== 'ended';
  }

  private async openPeer(userId: string, local: MediaStream): Promise<RTCPeerConnection> {
    const pc = await this.rtc.open(local);
    const remote = new MediaStream();
    pc.addEventListener('track', (e) => {
      if (!remote.getTracks().includes(e.track)) remote.addTrack(e.track);
      this.publishPeers();
    });
    pc.addEventListener('connectionstatechange', () => this.publishPeers());
    this.peers.set(userId, { userId, pc, remote });
    this.publishPeers();
    return pc;
  }

  private closePeer(userId: string): void {
    const peer = this.peers.get(userId);
    if (!peer) return;
    peer.pc.close();
    this.peers.delete(userId);
    this.publishPeers();
  }

  private closeAll(): void {
    for (const peer of this.peers.values()) peer.pc.close();
    this.peers.clear();
    if (this.current.call?.local) stopMedia(this.current.call.local);
  }

  private publishPeers(): void {
    const call = this.current.call;
    if (!call) return;
    const peers = [...this.peers.values()].map((p) => ({
      userId: p.userId,
      remote: p.remote,
      connection: p.pc.connectionState,
    }));
    this.set({ call: { ...call, peers } });
  }

  private fail(gatewayCallId: string, error: string): void {
    if (!this.isCall(gatewayCallId)) return;
    const link = this.link;
    this.closeAll();
    this.link = undefined;
    this.set({ call: undefined, error });
    if (link) {
      void link.leave().catch(() => undefined);
      link.dispose();
    }
  }

  private patchCall(gatewayCallId: string, patch: Partial<InAppCall>): void {
    const call = this.current.call;
    if (call?.gatewayCallId === gatewayCallId) this.set({ call: { ...call, ...patch } });
  }

  private set(patch: Partial<ProviderCallsState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}

function stopMedia(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** The card of a gateway call in its conversation, once messaging posted it. */
export function cardOf(
  conversation: Conversation,
  gatewayCallId: string,
  timeoutMs = CARD_WAIT_MS,
): Promise<CallLink> {
  const find = (): CallLink | undefined => {
    const message = conversation
      .snapshot()
      .messages.find((m) => !m.removedAt && voipLinkOf(m)?.gatewayCallId === gatewayCallId);
    return message ? conversation.callLink(message.id) : undefined;
  };
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('the call did not appear in the conversation'));
    }, timeoutMs);
    const off = conversation.on('updated', () => {
      const link = find();
      if (!link) return;
      clearTimeout(timer);
      off();
      resolve(link);
    });
  });
}
