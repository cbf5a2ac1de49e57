// Fakes for Terminal tests: a scripted bridge socket and a stand-in for WebRTC (peer connections that
// write SDP with their own DTLS fingerprint, tracks, streams, getUserMedia).
import type { WebSocketLike } from '../src/index.js';

export const until = async (check: () => boolean, what = 'condition', ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: any[] = [];
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  // the core's side
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  refuse(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
  deliver(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  kinds(): string[] {
    return this.sent.map((m) => Object.keys(m).find((k) => k !== 'callId')!);
  }
}

let fingerprintSeq = 0;

export class FakeTrack {
  stopped = false;
  constructor(readonly kind: string) {}
  stop(): void {
    this.stopped = true;
  }
}
export class FakeStream {
  private readonly tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
  addTrack(t: FakeTrack): void {
    this.tracks.push(t);
  }
}

export class FakePeerConnection extends EventTarget {
  static all: FakePeerConnection[] = [];
  readonly fingerprint = `sha-256 00:${(++fingerprintSeq).toString(16).padStart(2, '0')}`;
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  iceGatheringState = 'new';
  connectionState = 'new';
  readonly added: FakeTrack[] = [];
  readonly transceivers: string[] = [];
  /** When set, setRemoteDescription of an offer fails (an offer that does not fit this connection). */
  refuseOffers = false;
  constructor() {
    super();
    FakePeerConnection.all.push(this);
  }
  private sdp(type: string): string {
    const video =
      this.added.some((t) => t.kind === 'video') ||
      this.transceivers.includes('video') ||
      /m=video/.test(this.remoteDescription?.sdp ?? '');
    return [
      'v=0',
      `o=- ${type}`,
      `a=fingerprint:${this.fingerprint}`,
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      ...(video ? ['m=video 9 UDP/TLS/RTP/SAVPF 96'] : []),
      '',
    ].join('\r\n');
  }
  async createOffer() {
    return { type: 'offer', sdp: this.sdp('offer') };
  }
  async createAnswer() {
    if (this.remoteDescription?.type !== 'offer') throw new Error('no remote offer');
    return { type: 'answer', sdp: this.sdp('answer') };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    if (this.connectionState === 'closed') throw new Error('closed');
    this.localDescription = { ...d, sdp: `${d.sdp}a=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\n` };
    this.iceGatheringState = 'gathering';
    setTimeout(() => {
      this.iceGatheringState = 'complete';
      this.dispatchEvent(new Event('icegatheringstatechange'));
    }, 1);
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    if (this.connectionState === 'closed') throw new Error('closed');
    if (d.type === 'offer' && this.refuseOffers) throw new Error('m-lines do not match');
    this.remoteDescription = d;
    const track = new FakeTrack('audio');
    this.dispatchEvent(Object.assign(new Event('track'), { track, streams: [new FakeStream([track])] }));
    this.connectionState = 'connected';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  addTrack(track: FakeTrack) {
    this.added.push(track);
  }
  addTransceiver(kind: string) {
    this.transceivers.push(kind);
  }
  close() {
    this.connectionState = 'closed';
  }
}

export const mediaRequests: MediaStreamConstraints[] = [];
export const rtc = {
  RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
  getUserMedia: async (c: MediaStreamConstraints) => {
    mediaRequests.push(c);
    const tracks = [new FakeTrack('audio'), ...(c.video ? [new FakeTrack('video')] : [])];
    return new FakeStream(tracks) as unknown as MediaStream;
  },
  MediaStream: FakeStream as unknown as typeof MediaStream,
};
