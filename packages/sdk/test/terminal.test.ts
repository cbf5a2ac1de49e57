// Terminal against a scripted bridge: a fake WebSocket plays terminal-core (frames in canonical JSON) and
// a fake RTCPeerConnection stands in for WebRTC, so every WebTerminal scenario runs in Node.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IllegalCallTransitionError, Terminal, type Call, type TerminalError } from '../src/index.js';
import {
  FakePeerConnection,
  FakeSocket,
  mediaRequests,
  rtc,
  until,
  type FakeTrack,
} from './terminal-fakes.js';

const terminals: Terminal[] = [];
let idSeq = 0;

/** A terminal plus the sockets it opened (the last one is the live registration). */
async function registered(token = 'token-1', dialRetryDelaysMs?: number[]) {
  const sockets: FakeSocket[] = [];
  const terminal = new Terminal({
    url: 'ws://core.test:3002',
    accessToken: () => token,
    createWebSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    rtc,
    newCallId: () => `00000000-0000-4000-8000-${String(++idSeq).padStart(12, '0')}`,
    minReconnectDelayMs: 5,
    maxReconnectDelayMs: 20,
    dialRetryDelaysMs,
  });
  terminals.push(terminal);
  const errors: TerminalError[] = [];
  terminal.on('error', (e) => errors.push(e));
  const done = terminal.register();
  sockets[0]!.accept();
  await done;
  return { terminal, sockets, socket: () => sockets.at(-1)!, errors };
}

function states(call: Call): string[] {
  const seen: string[] = [call.state];
  call.on('stateChanged', (c) => seen.push(c.state));
  return seen;
}

afterEach(() => {
  for (const t of terminals.splice(0)) t.unregister();
  FakePeerConnection.all = [];
  mediaRequests.length = 0;
});

const CALLEE = '+4790000002';
const CALLER = '+4790000001';
const offerSdp = (video: boolean) =>
  ['v=0', 'a=fingerprint:sha-256 AA:AA', 'm=audio 9 X 111', ...(video ? ['m=video 9 X 96'] : []), ''].join(
    '\r\n',
  );

describe('Terminal (scripted core)', () => {
  it('registers over the bridge URL with the token and MultiPipe mode', async () => {
    const { terminal, socket } = await registered('tok en');
    const url = new URL(socket().url);
    expect(url.pathname).toBe('/v1/terminal');
    expect(url.searchParams.get('access_token')).toBe('tok en');
    expect(url.searchParams.get('mode')).toBe('multi');
    expect(terminal.state).toBe('online');
  });

  it('initiating: Offer{sdp with candidates, msisdn} → Ringing → Answer → active → hang up', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call('+47 900 00 002', { video: true });
    const seen = states(call);
    const offer = socket().sent[0];
    expect(offer.callId).toBe(call.id);
    expect(offer.offer.msisdn).toEqual({ e164: CALLEE });
    expect(offer.offer.sdp).toMatch(/m=video/);
    expect(offer.offer.sdp).toMatch(/a=candidate:/); // non-trickle: ICE gathered before sending
    expect(mediaRequests[0]).toEqual({ audio: true, video: true });
    expect(call).toMatchObject({ direction: 'outgoing', remote: CALLEE, state: 'dialing' });

    socket().deliver({ ringing: {}, callId: call.id });
    socket().deliver({ answer: { sdp: offerSdp(true) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    expect(call.peerConnection?.remoteDescription?.sdp).toBe(offerSdp(true));
    expect(call.remoteStream).toBeDefined();

    call.hangup();
    expect(socket().sent.at(-1)).toEqual({ bye: { reason: 'hangup' }, callId: call.id });
    expect(seen).toEqual(['dialing', 'ringing', 'active', 'ended']);
    expect(call.endReason).toBe('hangup');
    expect(call.peerConnection?.connectionState).toBe('closed');
    expect(call.localStream?.getTracks().every((t) => (t as unknown as FakeTrack).stopped)).toBe(true);
    expect(terminal.activeCalls()).toEqual([]);
  });

  it('initiating: a Bye instead of an Answer ends the call with its reason', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call(CALLEE);
    socket().deliver({ bye: { reason: 'rejected' }, callId: call.id });
    expect(call.state).toBe('ended');
    expect(call.endReason).toBe('rejected');
    // a late message about the ended call is ignored
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await new Promise((r) => setTimeout(r, 10));
    expect(call.state).toBe('ended');
  });

  it('a call cancelled before its Offer went out tells the core nothing and releases the camera', async () => {
    const { terminal, socket } = await registered();
    terminal.on('callStateChanged', (c) => {
      if (c.state === 'dialing') c.hangup();
    });
    const call = await terminal.call(CALLEE);
    expect(call).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    expect(call.peerConnection).toBeUndefined();
    expect(socket().sent).toEqual([]);
  });

  it('refuses to dial a non-E.164 number or while not registered', async () => {
    const { terminal, socket } = await registered();
    await expect(terminal.call('12345')).rejects.toMatchObject({ code: 'INVALID_MSISDN' });
    socket().drop();
    await expect(terminal.call(CALLEE)).rejects.toMatchObject({ code: 'NOT_REGISTERED' });
  });

  it('receiving: Offer → incoming + Ringing sent; answer() sends an Answer and the call is active', async () => {
    const { terminal, socket } = await registered();
    const incoming: Call[] = [];
    terminal.on('incoming', (c) => incoming.push(c));
    const id = '11111111-1111-4111-8111-111111111111';
    socket().deliver({ offer: { sdp: offerSdp(true), msisdn: { e164: CALLER } }, callId: id });
    expect(incoming).toHaveLength(1);
    const call = incoming[0]!;
    expect(call).toMatchObject({ id, direction: 'incoming', from: CALLER, remote: CALLER, state: 'ringing' });
    expect(socket().sent).toEqual([{ ringing: {}, callId: id }]);

    await call.answer();
    expect(call.state).toBe('active');
    const answer = socket().sent.at(-1);
    expect(answer.callId).toBe(id);
    expect(answer.answer.sdp).toMatch(/m=video/); // answered with the camera: the offer had video
    expect(answer.answer.sdp).toMatch(/a=candidate:/);
    expect(mediaRequests[0]).toEqual({ audio: true, video: true });

    socket().deliver({ bye: { reason: 'hangup' }, callId: id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'hangup' });
  });

  it('receiving: reject() sends Bye{rejected}; answering twice or a dialing call is a typed error', async () => {
    const { terminal, socket } = await registered();
    const id = '22222222-2222-4222-8222-222222222222';
    socket().deliver({ offer: { sdp: offerSdp(false), msisdn: { e164: CALLER } }, callId: id });
    const call = terminal.getCall(id)!;
    call.reject();
    expect(socket().sent.at(-1)).toEqual({ bye: { reason: 'rejected' }, callId: id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'rejected' });
    expect(() => call.answer()).toThrow(IllegalCallTransitionError);
    const outgoing = await terminal.call(CALLEE);
    expect(() => outgoing.answer()).toThrow(IllegalCallTransitionError);
  });

  it('forking: a Bye{answered_elsewhere} while answering stops it without sending an Answer', async () => {
    const { terminal, socket } = await registered();
    const id = '33333333-3333-4333-8333-333333333333';
    socket().deliver({ offer: { sdp: offerSdp(false), msisdn: { e164: CALLER } }, callId: id });
    const call = terminal.getCall(id)!;
    const answering = call.answer();
    socket().deliver({ bye: { reason: 'answered_elsewhere' }, callId: id });
    await answering;
    expect(call).toMatchObject({ state: 'ended', endReason: 'answered_elsewhere' });
    expect(socket().kinds()).toEqual(['ringing']);
  });

  it('observing and pulling: InCall lists the call, pullCall sends an Offer with its id, Answer makes it active', async () => {
    const { terminal, socket } = await registered();
    const others: string[] = [];
    terminal.on('otherDeviceCall', (c) => others.push(`+${c.callId}`));
    terminal.on('otherDeviceIdle', (c) => others.push(`-${c.callId}`));
    const id = '44444444-4444-4444-8444-444444444444';
    socket().deliver({ inCall: { msisdn: { e164: CALLEE } }, callId: id });
    expect(terminal.otherDeviceCalls()).toMatchObject([{ callId: id, msisdn: CALLEE }]);

    const call = await terminal.pullCall(id);
    expect(call).toMatchObject({ id, direction: 'pulled', state: 'dialing' });
    const offer = socket().sent.at(-1);
    expect(offer.callId).toBe(id);
    expect(offer.offer.msisdn).toBeUndefined();
    expect(offer.offer.sdp).toMatch(/a=candidate:/);
    expect(terminal.otherDeviceCalls()).toEqual([]); // held here now

    socket().deliver({ answer: { sdp: offerSdp(true) }, callId: id });
    await until(() => call.state === 'active', 'active');
    expect(others).toEqual([`+${id}`, `-${id}`]);
  });

  it('pulled away: Bye{moved} ends the call here, the following InCall lists it on the other device, Idle clears it', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call(CALLEE);
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    socket().deliver({ bye: { reason: 'moved' }, callId: call.id });
    socket().deliver({ inCall: { msisdn: { e164: CALLER } }, callId: call.id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'moved' });
    expect(terminal.otherDeviceCalls().map((c) => c.callId)).toEqual([call.id]);
    socket().deliver({ idle: {}, callId: call.id });
    expect(terminal.otherDeviceCalls()).toEqual([]);
  });

  it('a refused pull (Error TRY_AGAIN) ends the pulling call and reports the error', async () => {
    const { terminal, socket, errors } = await registered();
    const id = '55555555-5555-4555-8555-555555555555';
    const call = await terminal.pullCall(id);
    socket().deliver({
      error: { err: 'TRY_AGAIN', message: 'another offer is being negotiated' },
      callId: id,
    });
    expect(call).toMatchObject({ state: 'ended', endReason: 'try_again' });
    expect(errors.map((e) => [e.code, e.callId])).toEqual([['TRY_AGAIN', id]]);
  });

  it('a new call refused with TRY_AGAIN sends its Offer again after a while, unreported, and goes on once the core takes it', async () => {
    const { terminal, socket, errors } = await registered('token-1', [20, 40]);
    const call = await terminal.call(CALLEE);
    const offers = () => socket().sent.filter((m) => m.offer);
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'signalling is unavailable' }, callId: call.id });
    expect(call.state).toBe('dialing');
    await until(() => offers().length === 2, 'the Offer sent again');
    expect(offers()[1]).toEqual(offers()[0]);
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'signalling is unavailable' }, callId: call.id });
    await until(() => offers().length === 3, 'the Offer sent a third time');
    socket().deliver({ ringing: {}, callId: call.id });
    expect(call.state).toBe('ringing');
    expect(errors).toEqual([]);
  });

  it('a new call still refused with TRY_AGAIN once its tries are used up ends with try_again and reports it', async () => {
    const { terminal, socket, errors } = await registered('token-1', [10]);
    const call = await terminal.call(CALLEE);
    const offers = () => socket().sent.filter((m) => m.offer);
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'first' }, callId: call.id });
    await until(() => offers().length === 2, 'the Offer sent again');
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'second' }, callId: call.id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'try_again' });
    expect(errors.map((e) => [e.code, e.message])).toEqual([['TRY_AGAIN', 'second']]);
  });

  it('hanging up a call that waits to try its Offer again sends a Bye and no further Offer', async () => {
    const { terminal, socket } = await registered('token-1', [30]);
    const call = await terminal.call(CALLEE);
    vi.useFakeTimers();
    try {
      socket().deliver({ error: { err: 'TRY_AGAIN', message: 'later' }, callId: call.id });
      call.hangup();
      expect(socket().sent.at(-1)).toEqual({ bye: { reason: 'cancelled' }, callId: call.id });
      const sent = socket().sent.length;
      vi.advanceTimersByTime(1000);
      expect(socket().sent.length).toBe(sent);
    } finally {
      vi.useRealTimers();
    }
  });

  it('toPhone: sends Action{ToPhone}; the InCall that follows ends the call here (moved_to_phone) and lists it', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call(CALLEE);
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    call.toPhone();
    expect(socket().sent.at(-1)).toEqual({ action: { toPhone: {} }, callId: call.id });
    expect(call.movingToPhone).toBe(true);
    socket().deliver({ inCall: { msisdn: { e164: CALLER } }, callId: call.id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'moved_to_phone' });
    expect(terminal.otherDeviceCalls().map((c) => c.callId)).toEqual([call.id]);
  });

  it('a renegotiation refused with TRY_AGAIN (both ends at once) goes again after a while, unreported, and resolves on the Answer', async () => {
    const { terminal, socket, errors } = await registered('token-1', [20, 40]);
    const call = await terminal.call(CALLEE);
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    const offers = () => socket().sent.filter((m) => m.offer);
    const renegotiated = call.renegotiate();
    await until(() => offers().length === 2, 'the new Offer');
    socket().deliver({
      error: { err: 'TRY_AGAIN', message: 'another offer is being negotiated' },
      callId: call.id,
    });
    // Meanwhile the far end's own Offer is answered.
    socket().deliver({ offer: { sdp: offerSdp(true), msisdn: { e164: CALLEE } }, callId: call.id });
    await until(() => socket().kinds().at(-1) === 'answer', 'the far end answered');
    await until(() => offers().length === 3, 'the new Offer sent again');
    socket().deliver({ answer: { sdp: offerSdp(true) }, callId: call.id });
    await renegotiated;
    expect(call.state).toBe('active');
    expect(errors).toEqual([]);
  });

  it('a renegotiation still refused with TRY_AGAIN once its tries are used up rejects and is reported', async () => {
    const { terminal, socket, errors } = await registered('token-1', [10]);
    const call = await terminal.call(CALLEE);
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    const offers = () => socket().sent.filter((m) => m.offer);
    const renegotiated = call.renegotiate().catch((err: unknown) => err);
    await until(() => offers().length === 2, 'the new Offer');
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'first' }, callId: call.id });
    await until(() => offers().length === 3, 'the new Offer sent again');
    socket().deliver({ error: { err: 'TRY_AGAIN', message: 'second' }, callId: call.id });
    expect(await renegotiated).toMatchObject({ name: 'OfferRefusedError', code: 'TRY_AGAIN' });
    expect(call.state).toBe('active');
    expect(errors.map((e) => [e.code, e.message])).toEqual([['TRY_AGAIN', 'second']]);
  });

  it('renegotiation from the same endpoint is answered on the same RTCPeerConnection', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call(CALLEE);
    socket().deliver({ answer: { sdp: offerSdp(false) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    const pc = call.peerConnection;
    socket().deliver({ offer: { sdp: offerSdp(true), msisdn: { e164: CALLEE } }, callId: call.id });
    await until(() => socket().kinds().at(-1) === 'answer', 'answer');
    expect(call.peerConnection).toBe(pc);
    expect(pc?.remoteDescription?.sdp).toBe(offerSdp(true));
    expect(call.state).toBe('active');
  });

  it('an offer from a new endpoint (the far end pulled the call to another device) gets a fresh RTCPeerConnection', async () => {
    const { terminal, socket } = await registered();
    const call = await terminal.call(CALLEE, { video: true });
    socket().deliver({ answer: { sdp: offerSdp(true) }, callId: call.id });
    await until(() => call.state === 'active', 'active');
    const old = call.peerConnection as unknown as FakePeerConnection;
    const changed: string[] = [];
    call.on('mediaChanged', () => changed.push('media'));
    const moved = offerSdp(true).replace('AA:AA', 'BB:BB');
    socket().deliver({ offer: { sdp: moved, msisdn: { e164: CALLEE } }, callId: call.id });
    await until(() => socket().kinds().at(-1) === 'answer', 'answer');
    const fresh = call.peerConnection as unknown as FakePeerConnection;
    expect(fresh).not.toBe(old);
    expect(old.connectionState).toBe('closed');
    expect(fresh.remoteDescription?.sdp).toBe(moved);
    expect(fresh.added.map((t) => t.kind).sort()).toEqual(['audio', 'video']); // same local media
    expect(socket().sent.at(-1).answer.sdp).toContain(fresh.fingerprint);
    expect(changed.length).toBeGreaterThan(0);
    expect(call.state).toBe('active');
  });

  it('reconnects with backoff after a drop; the dropped calls end with connection_lost', async () => {
    const { terminal, sockets, socket } = await registered();
    const seen: string[] = [];
    terminal.on('stateChanged', (s) => seen.push(s));
    const call = await terminal.call(CALLEE);
    socket().deliver({
      inCall: { msisdn: { e164: CALLER } },
      callId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    });
    socket().drop();
    expect(call).toMatchObject({ state: 'ended', endReason: 'connection_lost' });
    expect(terminal.otherDeviceCalls()).toEqual([]);
    await until(() => sockets.length === 2, 'a second socket');
    sockets[1]!.refuse(); // e.g. 401 while the token renews
    await until(() => sockets.length === 3, 'a third socket');
    sockets[2]!.accept();
    expect(terminal.state).toBe('online');
    expect(seen).toEqual(['offline', 'connecting', 'offline', 'connecting', 'online']);
  });

  it('unregister hangs up live calls and closes the socket for good', async () => {
    const { terminal, sockets, socket } = await registered();
    const call = await terminal.call(CALLEE);
    terminal.unregister();
    expect(socket().sent.at(-1)).toEqual({ bye: { reason: 'cancelled' }, callId: call.id });
    expect(terminal.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 40));
    expect(sockets).toHaveLength(1);
  });
});
