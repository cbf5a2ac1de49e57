// Call controls against the scripted core and fake WebRTC: mute and camera flip the tracks' `enabled`,
// device switching swaps the track on its sender, and a screen share either swaps the camera's track or, on
// an audio call, adds a sender and renegotiates through the core (a mid-call Offer, the far end's Answer).
import { afterEach, describe, expect, it } from 'vitest';
import { Terminal, type Call } from '../src/index.js';
import { FakePeerConnection, FakeSocket, FakeStream, FakeTrack, rtc, until } from './terminal-fakes.js';

/** A track with the bits of MediaStreamTrack the controls use. */
class ControlTrack extends FakeTrack {
  enabled = true;
  readonly id = `t${Math.random().toString(36).slice(2, 8)}`;
  private readonly listeners: Array<() => void> = [];
  constructor(
    kind: string,
    private readonly deviceId = 'default',
  ) {
    super(kind);
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
  addEventListener(_type: 'ended', cb: () => void) {
    this.listeners.push(cb);
  }
  /** The user stopped sharing in the browser's UI. */
  endByUser() {
    this.listeners.forEach((cb) => cb());
  }
}

class ControlStream extends FakeStream {
  removeTrack(t: FakeTrack) {
    const tracks = this.getTracks();
    tracks.splice(tracks.indexOf(t), 1);
  }
  getVideoTracks() {
    return this.getTracks().filter((t) => t.kind === 'video');
  }
}

/** The fake connection with senders, transceivers and rollback. */
class ControlPeerConnection extends FakePeerConnection {
  readonly senders: Array<{ track: FakeTrack | null; replaceTrack: (t: FakeTrack | null) => Promise<void> }> =
    [];
  rolledBack = 0;
  override addTrack(track: FakeTrack) {
    super.addTrack(track);
    const sender = {
      track: track as FakeTrack | null,
      replaceTrack: async (t: FakeTrack | null) => void (sender.track = t),
    };
    this.senders.push(sender);
  }
  getSenders() {
    return this.senders;
  }
  getTransceivers() {
    return [];
  }
  override async setLocalDescription(d: { type: string; sdp: string }) {
    if (d.type === 'rollback') {
      this.rolledBack += 1;
      return;
    }
    return super.setLocalDescription(d);
  }
}

const displays: ControlTrack[] = [];
const controlRtc = {
  ...rtc,
  RTCPeerConnection: ControlPeerConnection as unknown as typeof RTCPeerConnection,
  MediaStream: ControlStream as unknown as typeof MediaStream,
  getUserMedia: async (c: MediaStreamConstraints) => {
    const device = (k: boolean | MediaTrackConstraints | undefined) =>
      typeof k === 'object' ? String((k.deviceId as { exact: string }).exact) : 'default';
    const tracks = [
      ...(c.audio ? [new ControlTrack('audio', device(c.audio))] : []),
      ...(c.video ? [new ControlTrack('video', device(c.video))] : []),
    ];
    return new ControlStream(tracks) as unknown as MediaStream;
  },
  getDisplayMedia: async () => {
    const screen = new ControlTrack('video', 'screen');
    displays.push(screen);
    return new ControlStream([screen]) as unknown as MediaStream;
  },
};

const terminals: Terminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.unregister();
  FakePeerConnection.all = [];
  displays.length = 0;
});

const offerSdp = (video: boolean) =>
  ['v=0', 'a=fingerprint:sha-256 AA:AA', 'm=audio 9 X 111', ...(video ? ['m=video 9 X 96'] : []), ''].join(
    '\r\n',
  );

/** An answered outgoing call on a terminal whose core is a scripted socket. */
async function activeCall(video: boolean, retryDelaysMs?: number[]) {
  let socket!: FakeSocket;
  const terminal = new Terminal({
    url: 'ws://core.test:3002',
    accessToken: () => 'token',
    createWebSocket: (url) => (socket = new FakeSocket(url)),
    rtc: controlRtc,
    newCallId: () => '00000000-0000-4000-8000-000000000001',
    ...(retryDelaysMs ? { dialRetryDelaysMs: retryDelaysMs } : {}),
  });
  terminals.push(terminal);
  const registered = terminal.register();
  socket.accept();
  await registered;
  const call = await terminal.call('+4790000002', { video });
  socket.deliver({ answer: { sdp: offerSdp(video) }, callId: call.id });
  await until(() => call.state === 'active', 'active');
  const pc = call.peerConnection as unknown as ControlPeerConnection;
  return { call, socket, pc };
}

const track = (call: Call, kind: string) =>
  call.localStream!.getTracks().find((t) => t.kind === kind) as unknown as ControlTrack;

describe('call controls', () => {
  it('mute and unmute flip the microphone track and tell the UI; the sender keeps the same track', async () => {
    const { call, pc, socket } = await activeCall(false);
    let changes = 0;
    call.on('mediaChanged', () => (changes += 1));
    const mic = track(call, 'audio');
    call.setMicrophoneEnabled(false);
    expect([mic.enabled, call.microphoneEnabled, changes]).toEqual([false, false, 1]);
    call.setMicrophoneEnabled(true);
    expect(call.microphoneEnabled).toBe(true);
    expect(pc.senders.map((s) => s.track)).toEqual([mic]);
    expect(socket.sent.filter((m) => m.offer)).toHaveLength(1); // nothing renegotiated
  });

  it('camera off and on; an audio call has no camera', async () => {
    const video = await activeCall(true);
    video.call.setCameraEnabled(false);
    expect([track(video.call, 'video').enabled, video.call.cameraEnabled, video.call.hasCamera]).toEqual([
      false,
      false,
      true,
    ]);
    const audio = await activeCall(false);
    expect(audio.call.hasCamera).toBe(false);
  });

  it('switching the microphone puts the new device on the same sender, keeps it muted, stops the old one', async () => {
    const { call, pc } = await activeCall(false);
    const old = track(call, 'audio');
    call.setMicrophoneEnabled(false);
    await call.switchInput('audio', 'headset');
    const now = track(call, 'audio');
    expect(call.inputDevice('audio')).toBe('headset');
    expect(pc.senders).toHaveLength(1);
    expect(pc.senders[0]!.track).toBe(now);
    expect([now.enabled, old.stopped]).toEqual([false, true]);
  });

  it('screen share on a video call swaps the camera track on its sender, and back, without an Offer', async () => {
    const { call, pc, socket } = await activeCall(true);
    const camera = track(call, 'video');
    await call.startScreenShare();
    const screen = displays[0]!;
    expect(call.screenSharing).toBe(true);
    expect(pc.senders.find((s) => s.track === screen)).toBeDefined();
    expect(call.localStream!.getTracks()).toContain(screen);
    await call.stopScreenShare();
    expect(pc.senders.find((s) => s.track === camera)).toBeDefined();
    expect([call.screenSharing, screen.stopped]).toEqual([false, true]);
    expect(socket.sent.filter((m) => m.offer)).toHaveLength(1);
  });

  it('screen share on an audio call adds a sender and renegotiates: Offer for the call, Answer applied', async () => {
    const { call, pc, socket } = await activeCall(false);
    const sharing = call.startScreenShare();
    await until(() => socket.sent.filter((m) => m.offer).length === 2, 'the mid-call offer');
    const offer = socket.sent.at(-1);
    expect(offer.callId).toBe(call.id);
    expect(offer.offer.msisdn).toBeUndefined(); // an Offer for this call, not a new one
    expect(offer.offer.sdp).toMatch(/m=video/);
    socket.deliver({ answer: { sdp: offerSdp(true) }, callId: call.id });
    await sharing;
    expect(pc.remoteDescription?.sdp).toMatch(/m=video/);
    expect([call.state, call.screenSharing]).toEqual(['active', true]);
    // The user stops sharing in the browser: the sender sends nothing, no new Offer.
    displays[0]!.endByUser();
    await until(() => !call.screenSharing, 'share stopped');
    expect(socket.sent.filter((m) => m.offer)).toHaveLength(2);
  });

  it('a mid-call Offer the core keeps refusing (TRY_AGAIN) is rolled back and sent again, then the share fails; the call goes on', async () => {
    const { call, pc, socket } = await activeCall(false, [10]);
    const offers = () => socket.sent.filter((m) => m.offer).length;
    const sharing = call.startScreenShare();
    await until(() => offers() === 2, 'the mid-call offer');
    const refuse = () =>
      socket.deliver({
        error: { err: 'TRY_AGAIN', message: 'another offer is being negotiated' },
        callId: call.id,
      });
    refuse();
    await until(() => offers() === 3, 'the mid-call offer sent again');
    expect(pc.rolledBack).toBe(1);
    refuse();
    await expect(sharing).rejects.toThrow(/TRY_AGAIN/);
    expect(pc.rolledBack).toBe(2);
    expect([call.state, call.screenSharing, displays[0]!.stopped]).toEqual(['active', false, true]);
  });
});
