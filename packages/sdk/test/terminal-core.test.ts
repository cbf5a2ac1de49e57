// Terminal against the real terminal-core (and the messaging service for tokens), over the WebSocket
// bridge with `ws`; WebRTC is faked (the core relays SDP untouched, so signalling is what is tested).
// Needs apps/terminal-core and apps/messaging built (the root test command builds them first).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomMsisdn, startMessagingForTests, type MessagingForTests } from '@parley/testing';
import { Terminal, type Call, type OtherDeviceCall } from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { nextIncoming, TerminalCoreProcess } from './terminal-core-process.js';
import { FakePeerConnection, rtc, until } from './terminal-fakes.js';

let messaging: MessagingForTests;
const core = new TerminalCoreProcess();
const open: Terminal[] = [];

/** A user with a number and `devices` registered terminals of theirs. */
async function user(devices = 1, msisdn = randomMsisdn()) {
  const session = await messaging.signUp('t', { msisdn });
  const terminals: Terminal[] = [];
  for (let i = 0; i < devices; i++) {
    const t = new Terminal({
      url: core.url,
      accessToken: () => session.tokens.access_token,
      createWebSocket: nodeWebSocket,
      rtc,
      iceGatheringTimeoutMs: 200,
    });
    open.push(t);
    terminals.push(t);
    // Resolves once the socket is open, and the bridge registers a terminal before it opens.
    await t.register();
  }
  return { msisdn, terminals };
}

function observe(t: Terminal) {
  const seen: string[] = [];
  t.on('otherDeviceCall', (c: OtherDeviceCall) => seen.push(`in:${c.callId}`));
  t.on('otherDeviceIdle', (c) => seen.push(`idle:${c.callId}`));
  return seen;
}

const remoteFingerprintOf = (call: Call) =>
  /a=fingerprint:(\S+ \S+)/.exec(call.peerConnection?.remoteDescription?.sdp ?? '')?.[1];

beforeAll(async () => {
  messaging = await startMessagingForTests({ label: 'sdk_terminal_core' });
  // The core's keys live under messaging's prefix, so its cleanup takes them too.
  await core.start(messaging.jwksUrl, `${messaging.redisPrefix}:core`);
}, 60_000);
afterEach(() => {
  for (const t of open.splice(0)) t.unregister();
});
afterAll(async () => {
  await core.stop();
  await messaging?.stop();
});

describe('Terminal against the real terminal-core', () => {
  it('refuses a bad token at the upgrade and keeps retrying', async () => {
    const states: string[] = [];
    const t = new Terminal({
      url: core.url,
      accessToken: () => 'not-a-token',
      createWebSocket: nodeWebSocket,
      rtc,
      minReconnectDelayMs: 20,
      maxReconnectDelayMs: 40,
    });
    open.push(t);
    t.on('stateChanged', (s) => states.push(s));
    void t.register();
    await until(() => states.filter((s) => s === 'offline').length >= 2, 'two refusals', 5000);
    expect(states).not.toContain('online');
  });

  it('forking, then pull: first answer wins, the other device pulls the call, the caller follows it', async () => {
    const ann = await user(1);
    const ben = await user(2);
    const [a] = ann.terminals as [Terminal];
    const [b1, b2] = ben.terminals as [Terminal, Terminal];
    const b1Seen = observe(b1);
    const b2Seen = observe(b2);

    const ringing = [nextIncoming(b1), nextIncoming(b2)];
    const call = await a.call(ben.msisdn, { video: true });
    const [in1, in2] = await Promise.all(ringing);
    expect(in1!.from).toBe(ann.msisdn);
    expect(in2!.id).toBe(call.id);
    await until(() => call.state === 'ringing', 'caller hears ringing');

    await in2!.answer();
    await until(() => call.state === 'active', 'caller active');
    await until(() => in1!.state === 'ended', 'other fork stops ringing');
    expect(in1!.endReason).toBe('answered_elsewhere');
    expect(remoteFingerprintOf(call)).toBe(
      (in2!.peerConnection as unknown as FakePeerConnection).fingerprint,
    );
    await until(() => b1Seen.includes(`in:${call.id}`), 'b1 observes the call');

    // b1 pulls the call: the caller gets an Offer from a new endpoint and answers on a fresh connection.
    const callerPcBefore = call.peerConnection;
    const pulled = await b1.pullCall(call.id);
    await until(() => pulled.state === 'active', 'pulled call active', 5000);
    await until(() => in2!.state === 'ended', 'b2 loses the call');
    expect(in2!.endReason).toBe('moved');
    expect(call.state).toBe('active');
    expect(call.peerConnection).not.toBe(callerPcBefore);
    expect(remoteFingerprintOf(call)).toBe(
      (pulled.peerConnection as unknown as FakePeerConnection).fingerprint,
    );
    expect(remoteFingerprintOf(pulled)).toBe(
      (call.peerConnection as unknown as FakePeerConnection).fingerprint,
    );
    await until(() => b2Seen.includes(`in:${call.id}`), 'b2 observes the call after losing it');

    call.hangup();
    await until(() => pulled.state === 'ended', 'hang up reaches the pulled call');
    expect(pulled.endReason).toBe('hangup');
    await until(() => b2Seen.includes(`idle:${call.id}`), 'b2 told the call is over');
  });

  it('decline, and a call to a number with no terminal', async () => {
    const ann = await user(1);
    const ben = await user(1);
    const [a] = ann.terminals as [Terminal];
    const [b] = ben.terminals as [Terminal];
    const incoming = nextIncoming(b);
    const call = await a.call(ben.msisdn);
    (await incoming).reject();
    await until(() => call.state === 'ended', 'caller told');
    expect(call.endReason).toBe('rejected');

    const nobody = await a.call(randomMsisdn());
    await until(() => nobody.state === 'ended', 'refused');
    expect(nobody.endReason).toBe('callee_offline');
  });

  it('move to phone: the call ends here as moved_to_phone and is observed until the other side hangs up', async () => {
    const ann = await user(1);
    const ben = await user(1);
    const [a] = ann.terminals as [Terminal];
    const [b] = ben.terminals as [Terminal];
    const aSeen = observe(a);
    const incoming = nextIncoming(b);
    const call = await a.call(ben.msisdn);
    const bCall = await incoming;
    await bCall.answer();
    await until(() => call.state === 'active', 'active');

    call.toPhone();
    await until(() => call.state === 'ended', 'moved to the phone', 5000);
    expect(call.endReason).toBe('moved_to_phone');
    expect(a.otherDeviceCalls().map((c) => c.callId)).toEqual([call.id]);

    bCall.hangup();
    await until(() => aSeen.includes(`idle:${call.id}`), 'idle once the call ends', 5000);
    expect(a.otherDeviceCalls()).toEqual([]);
  });
});
