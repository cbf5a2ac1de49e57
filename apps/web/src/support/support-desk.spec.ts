import { describe, expect, it, vi } from 'vitest';
import type { SupportLine, VoiceCallPage, VoiceSignal } from '@parley/protocol';
import type { SupportPeer, SupportPeers } from './peer';
import { SupportDesk, type SupportLineApi, type SupportVoice } from './support-desk';

const LINE = 'voice-proxy';
const CID = '6f1c2a7e-0000-4000-8000-000000000001';

type Kind = 'setup' | 'start' | 'accept' | 'busy' | 'stop' | 'summary';
type Handler = (...args: never[]) => unknown;

/** The SDK's voice signalling without a server: handlers by kind, and every send recorded. */
class FakeVoice {
  readonly handlers = new Map<Kind, Set<Handler>>();
  readonly sent: Array<{ kind: Kind; to: string; cid: string; callId: string; peerInfo?: string }> = [];

  private on(kind: Kind, handler: Handler) {
    const set = this.handlers.get(kind) ?? new Set();
    this.handlers.set(kind, set.add(handler));
    return () => void set.delete(handler);
  }
  private send(kind: Kind, to: string, cid: string, callId: string, peerInfo?: string) {
    this.sent.push({ kind, to, cid, callId, ...(peerInfo ? { peerInfo } : {}) });
    return Promise.resolve({ signal: {} as VoiceSignal, delivered: true });
  }
  /** A signal from `iss` arriving on the device. */
  receive(kind: Kind, iss: string, callId: string, extra: { peerInfo?: string; data?: object } = {}) {
    const signal = {} as VoiceSignal;
    for (const handler of this.handlers.get(kind) ?? []) {
      const h = handler as (...args: unknown[]) => unknown;
      if (kind === 'start' || kind === 'accept') h(iss, CID, callId, extra.peerInfo, extra.data, signal);
      else h(iss, CID, callId, extra.data, signal);
    }
  }

  asVoice(): SupportVoice {
    return {
      onStart: (h) => this.on('start', h),
      onAccept: (h) => this.on('accept', h),
      onBusy: (h) => this.on('busy', h),
      onStop: (h) => this.on('stop', h),
      onSetup: (h) => this.on('setup', h),
      onSummary: (h) => this.on('summary', h),
      start: (to, cid, callId, peerInfo) => this.send('start', to, cid, callId, peerInfo),
      accept: (to, cid, callId, peerInfo) => this.send('accept', to, cid, callId, peerInfo),
      busy: (to, cid, callId) => this.send('busy', to, cid, callId),
      stop: (to, cid, callId) => this.send('stop', to, cid, callId),
    };
  }
}

function fakeApi(
  operator: SupportLine['operator'],
  line: () => Promise<SupportLine> = async () => ({ line: LINE, operator }),
) {
  const calls = vi.fn(async (): Promise<VoiceCallPage> => ({ calls: [], nextCursor: null }));
  const api: SupportLineApi = {
    line,
    setAvailability: async (available: boolean) => ({ available, inCall: false, idleSince: null }),
    calls,
  };
  return { api, calls };
}

/** WebRTC without a browser: each peer's remote description and whether it was closed. */
function fakePeers() {
  const opened: Array<{ remote?: RTCSessionDescriptionInit; closed: boolean }> = [];
  const peers: SupportPeers = {
    open: async () => {
      const state: { remote?: RTCSessionDescriptionInit; closed: boolean } = { closed: false };
      opened.push(state);
      const pc = {
        connectionState: 'new',
        addEventListener: () => undefined,
        setRemoteDescription: async (d: RTCSessionDescriptionInit) => void (state.remote = d),
        close: () => void (state.closed = true),
      };
      return { pc, local: {}, remote: {} } as unknown as SupportPeer;
    },
    offer: async () => 'v=0 offer',
    answer: async (_pc, offer) => `v=0 answer to ${offer}`,
    close: (peer) => peer?.pc.close(),
  };
  return { peers, opened };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function customerDesk() {
  const voice = new FakeVoice();
  const { peers, opened } = fakePeers();
  const desk = new SupportDesk(voice.asVoice(), fakeApi(null).api, peers);
  await desk.open();
  return { desk, voice, opened };
}

async function operatorDesk() {
  const voice = new FakeVoice();
  const { peers, opened } = fakePeers();
  const { api, calls } = fakeApi({ available: true, inCall: false });
  const desk = new SupportDesk(voice.asVoice(), api, peers);
  await desk.open();
  return { desk, voice, opened, calls };
}

describe('SupportDesk as a customer', () => {
  it('sends start with the complete offer to the line, connects on its accept and hangs up with stop', async () => {
    const { desk, voice, opened } = await customerDesk();
    expect(desk.state.role).toBe('customer');

    await desk.callSupport(CID);
    const call = desk.state.customerCall!;
    expect(call.phase).toBe('ringing');
    expect(voice.sent).toEqual([
      { kind: 'start', to: LINE, cid: CID, callId: call.callId, peerInfo: 'v=0 offer' },
    ]);

    voice.receive('accept', LINE, call.callId, {
      peerInfo: 'v=0 answer',
      data: { operator_name: 'Bob Example' },
    });
    await settle();
    expect(desk.state.customerCall?.phase).toBe('connected');
    expect(opened[0]!.remote).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    expect(desk.peerConnection()).toBeDefined();

    desk.hangUpCustomer();
    expect(desk.state.customerCall?.phase).toBe('ended');
    expect(voice.sent.at(-1)).toEqual({ kind: 'stop', to: LINE, cid: CID, callId: call.callId });
    expect(opened[0]!.closed).toBe(true);
    expect(desk.peerConnection()).toBeUndefined();

    voice.receive('summary', LINE, call.callId, { data: { duration_seconds: 42, end_reason: 'completed' } });
    expect(desk.state.customerCall).toMatchObject({
      phase: 'ended',
      durationSeconds: 42,
      endReason: 'completed',
    });
  });

  it('reads busy when the line answers busy, and the summary after it leaves it busy', async () => {
    const { desk, voice, opened } = await customerDesk();
    await desk.callSupport(CID);
    const { callId } = desk.state.customerCall!;

    voice.receive('busy', LINE, callId);
    expect(desk.state.customerCall?.phase).toBe('busy');
    expect(opened[0]!.closed).toBe(true);
    voice.receive('summary', LINE, callId, { data: { duration_seconds: 0, end_reason: 'busy' } });
    expect(desk.state.customerCall?.phase).toBe('busy');

    desk.dismissCustomerCall();
    expect(desk.state.customerCall).toBeUndefined();
  });

  it('ignores signals from anyone but the line, and about other calls', async () => {
    const { desk, voice } = await customerDesk();
    await desk.callSupport(CID);
    const { callId } = desk.state.customerCall!;

    voice.receive('accept', 'someone-else', callId, { peerInfo: 'v=0 answer' });
    voice.receive('busy', LINE, 'another-call');
    voice.receive('stop', 'someone-else', callId);
    await settle();
    expect(desk.state.customerCall?.phase).toBe('ringing');
  });

  it('ends when the line stops the call', async () => {
    const { desk, voice } = await customerDesk();
    await desk.callSupport(CID);
    const { callId } = desk.state.customerCall!;
    voice.receive('accept', LINE, callId, { peerInfo: 'v=0 answer' });
    await settle();

    voice.receive('stop', LINE, callId);
    expect(desk.state.customerCall?.phase).toBe('ended');
    expect(voice.sent.filter((s) => s.kind === 'stop')).toEqual([]);
  });

  it('places one call at a time', async () => {
    const { desk, voice } = await customerDesk();
    await desk.callSupport(CID);
    await desk.callSupport(CID);
    expect(voice.sent.filter((s) => s.kind === 'start')).toHaveLength(1);
  });
});

describe('SupportDesk as an operator', () => {
  it('rings with the caller name of setup, answers with accept and ends on stop from the line', async () => {
    const { desk, voice, opened, calls } = await operatorDesk();
    expect(desk.state.role).toBe('operator');

    voice.receive('setup', LINE, 'call-1', { data: { caller_name: 'Customer' } });
    voice.receive('start', LINE, 'call-1', { peerInfo: 'v=0 offer', data: { caller_name: 'Customer' } });
    expect(desk.state.operatorCall).toMatchObject({
      callId: 'call-1',
      cid: CID,
      phase: 'incoming',
      callerName: 'Customer',
    });

    await desk.accept();
    expect(desk.state.operatorCall?.phase).toBe('connected');
    expect(voice.sent).toEqual([
      { kind: 'accept', to: LINE, cid: CID, callId: 'call-1', peerInfo: 'v=0 answer to v=0 offer' },
    ]);

    calls.mockClear();
    voice.receive('stop', LINE, 'call-1');
    expect(desk.state.operatorCall).toBeUndefined();
    expect(opened[0]!.closed).toBe(true);
    await settle();
    expect(calls).toHaveBeenCalled();
  });

  it('declines with busy to the line', async () => {
    const { desk, voice } = await operatorDesk();
    voice.receive('start', LINE, 'call-1', { peerInfo: 'v=0 offer' });
    desk.decline();
    expect(voice.sent).toEqual([{ kind: 'busy', to: LINE, cid: CID, callId: 'call-1' }]);
    expect(desk.state.operatorCall).toBeUndefined();
  });

  it('answers busy to a second call while one rings, and keeps the first', async () => {
    const { desk, voice } = await operatorDesk();
    voice.receive('start', LINE, 'call-1', { peerInfo: 'v=0 offer' });
    voice.receive('start', LINE, 'call-2', { peerInfo: 'v=0 offer' });
    await settle();
    expect(desk.state.operatorCall?.callId).toBe('call-1');
    expect(voice.sent).toEqual([{ kind: 'busy', to: LINE, cid: CID, callId: 'call-2' }]);
  });

  it('stops ringing when the line gives up on this operator', async () => {
    const { desk, voice } = await operatorDesk();
    voice.receive('start', LINE, 'call-1', { peerInfo: 'v=0 offer' });
    voice.receive('stop', LINE, 'call-1');
    expect(desk.state.operatorCall).toBeUndefined();
    expect(voice.sent).toEqual([]);
  });

  it('hangs up with stop', async () => {
    const { desk, voice } = await operatorDesk();
    voice.receive('start', LINE, 'call-1', { peerInfo: 'v=0 offer' });
    await desk.accept();
    desk.hangUpOperator();
    expect(voice.sent.at(-1)).toEqual({ kind: 'stop', to: LINE, cid: CID, callId: 'call-1' });
    expect(desk.state.operatorCall).toBeUndefined();
  });
});

describe('SupportDesk without a reachable line', () => {
  it('is unavailable, so nothing offers support', async () => {
    const { peers } = fakePeers();
    const api = fakeApi(null, () => Promise.reject(new Error('unreachable'))).api;
    const desk = new SupportDesk(new FakeVoice().asVoice(), api, peers);
    await desk.open();
    expect(desk.state.status).toBe('unavailable');
    expect(desk.state.role).toBeUndefined();
  });
});
